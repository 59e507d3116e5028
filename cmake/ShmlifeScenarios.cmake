# ShmlifeScenarios.cmake - registers each scenario script as its own CTest test.
#
#   shmlife_add_scenario_tests(HARNESS <target> DIRECTORY <dir>
#       [TIMEOUT <seconds>] [ENVIRONMENT <VAR=value>...])
#
# Every <dir>/**/*.scn becomes `scenario/<basename without .scn>`, running
#   <harness> run --report-dir <build>/ctest-reports/<basename> <file>
# from the source root, labelled `scenario`.  The glob is CONFIGURE_DEPENDS, so
# a new script is picked up by the next build without touching CMake.  Two
# scripts with the same basename would share a test name and a report
# directory: that stops the configure with both paths named.
include_guard(GLOBAL)

function(shmlife_add_scenario_tests)
	cmake_parse_arguments(PARSE_ARGV 0 arg "" "HARNESS;DIRECTORY;TIMEOUT" "ENVIRONMENT")
	if(arg_UNPARSED_ARGUMENTS)
		message(FATAL_ERROR "shmlife_add_scenario_tests: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
	endif()
	if(NOT TARGET "${arg_HARNESS}")
		message(FATAL_ERROR "shmlife_add_scenario_tests: HARNESS '${arg_HARNESS}' is not a target")
	endif()
	if(NOT DEFINED arg_TIMEOUT)
		set(arg_TIMEOUT 60)
	endif()

	file(GLOB_RECURSE scripts CONFIGURE_DEPENDS "${arg_DIRECTORY}/*.scn")
	list(SORT scripts)
	set(seen_names "")
	foreach(script IN LISTS scripts)
		get_filename_component(base "${script}" NAME_WLE)
		list(FIND seen_names "${base}" index)
		if(NOT index EQUAL -1)
			message(FATAL_ERROR "two scenario scripts are both named '${base}.scn':\n"
					    "  ${seen_path_${base}}\n  ${script}\n"
					    "each needs a unique basename (it names the CTest test and its report directory)")
		endif()
		list(APPEND seen_names "${base}")
		set(seen_path_${base} "${script}")

		set(test_name "scenario/${base}")
		add_test(NAME "${test_name}"
			 COMMAND ${arg_HARNESS} run
				 --report-dir "${CMAKE_BINARY_DIR}/ctest-reports/${base}"
				 "${script}"
			 WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
		set_tests_properties("${test_name}" PROPERTIES
			TIMEOUT "${arg_TIMEOUT}"
			LABELS scenario
			ENVIRONMENT "${arg_ENVIRONMENT}")
	endforeach()
	list(LENGTH scripts count)
	message(STATUS "shmlife: ${count} scenario script(s) registered as CTest tests")
endfunction()
