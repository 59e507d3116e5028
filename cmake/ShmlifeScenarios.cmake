# ShmlifeScenarios.cmake - registers each scenario script as its own CTest test.
# Used by shmlife's own build, and installed with its CMake package
# (find_package(shmlife), cmake/ShmlifeInstall.cmake) for other projects:
#
#   shmlife_add_scenarios(DIR <dir> [DIR <dir>...] [PREFIX <name>]
#       [TIMEOUT <seconds>] [LABELS <label>...] [ENVIRONMENT <VAR=value>...]
#       [WORKING_DIRECTORY <dir>] [HARNESS <target>])
#     another project's scripts against the installed harness (HARNESS
#     defaults to shmlife::shmlife, else shmlife); tests named <prefix>/<basename>
#     (PREFIX defaults to `scenario`), run from WORKING_DIRECTORY (default: the
#     calling CMakeLists.txt's directory), labelled `scenario` and LABELS.
#
#   shmlife_add_scenario_tests(HARNESS <target> DIRECTORY <dir>
#       [TIMEOUT <seconds>] [ENVIRONMENT <VAR=value>...]
#       [PREFIX <name>] [LABELS <label>...] [WORKING_DIRECTORY <dir>])
#
# Every <dir>/**/*.scn becomes `scenario/<basename without .scn>`, running
#   <harness> run --report-dir <build>/ctest-reports/<basename> <file>
# from the source root, labelled `scenario`.  The glob is CONFIGURE_DEPENDS, so
# a new script is picked up by the next build without touching CMake.  Two
# scripts with the same basename would share a test name and a report
# directory: that stops the configure with both paths named.
include_guard(GLOBAL)

function(shmlife_add_scenario_tests)
	cmake_parse_arguments(PARSE_ARGV 0 arg "" "HARNESS;DIRECTORY;TIMEOUT;PREFIX;WORKING_DIRECTORY"
			      "ENVIRONMENT;LABELS")
	if(arg_UNPARSED_ARGUMENTS)
		message(FATAL_ERROR "shmlife_add_scenario_tests: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
	endif()
	if(NOT TARGET "${arg_HARNESS}")
		message(FATAL_ERROR "shmlife_add_scenario_tests: HARNESS '${arg_HARNESS}' is not a target")
	endif()
	if(NOT DEFINED arg_TIMEOUT)
		set(arg_TIMEOUT 60)
	endif()
	if(NOT DEFINED arg_PREFIX)
		set(arg_PREFIX scenario)
	endif()
	if(NOT DEFINED arg_WORKING_DIRECTORY)
		set(arg_WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
	endif()
	if(NOT IS_DIRECTORY "${arg_DIRECTORY}")
		message(FATAL_ERROR "shmlife_add_scenario_tests: DIRECTORY '${arg_DIRECTORY}' is not a directory")
	endif()

	set(labels scenario ${arg_LABELS})
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

		set(test_name "${arg_PREFIX}/${base}")
		add_test(NAME "${test_name}"
			 COMMAND ${arg_HARNESS} run
				 --report-dir "${CMAKE_BINARY_DIR}/ctest-reports/${arg_PREFIX}/${base}"
				 "${script}"
			 WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
		set_tests_properties("${test_name}" PROPERTIES
			TIMEOUT "${arg_TIMEOUT}"
			LABELS "${labels}"
			ENVIRONMENT "${arg_ENVIRONMENT}")
	endforeach()
	list(LENGTH scripts count)
	message(STATUS "shmlife: ${count} scenario script(s) of ${arg_DIRECTORY} registered as CTest tests")
endfunction()

function(shmlife_add_scenarios)
	cmake_parse_arguments(PARSE_ARGV 0 arg "" "PREFIX;TIMEOUT;WORKING_DIRECTORY;HARNESS"
			      "DIR;LABELS;ENVIRONMENT")
	if(arg_UNPARSED_ARGUMENTS)
		message(FATAL_ERROR "shmlife_add_scenarios: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
	endif()
	if(NOT arg_DIR)
		message(FATAL_ERROR "shmlife_add_scenarios: no DIR given")
	endif()
	if(NOT DEFINED arg_HARNESS)
		if(TARGET shmlife::shmlife)
			set(arg_HARNESS shmlife::shmlife)
		else()
			set(arg_HARNESS shmlife)
		endif()
	endif()
	if(NOT DEFINED arg_WORKING_DIRECTORY)
		set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
	endif()
	set(optional "")
	foreach(one IN ITEMS PREFIX TIMEOUT)
		if(DEFINED arg_${one})
			list(APPEND optional ${one} "${arg_${one}}")
		endif()
	endforeach()
	foreach(dir IN LISTS arg_DIR)
		get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
		shmlife_add_scenario_tests(HARNESS "${arg_HARNESS}" DIRECTORY "${dir}" ${optional}
			WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}"
			LABELS ${arg_LABELS} ENVIRONMENT ${arg_ENVIRONMENT})
	endforeach()
endfunction()
