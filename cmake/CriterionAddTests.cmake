# CriterionAddTests.cmake - the POST_BUILD half of CriterionDiscover.cmake.
#
# Run as `cmake -D TEST_EXECUTABLE=<exe> -D TEST_TARGET=<target>
# -D TEST_WORKING_DIRECTORY=<dir> -D TEST_LIST_FILE=<out> -P CriterionAddTests.cmake`.
# Runs `<exe> --list --ascii`, whose output (Criterion 2.4) is one header a
# suite and one line a test case:
#     suite: 2 tests
#     |-- name
#     `-- other (skipped)
# and writes into TEST_LIST_FILE
#     set(_crit_tests "suite/name;suite/other")
#     set(_crit_disabled "suite/other")
# Any other line is an error: a changed listing format must not silently
# register fewer tests.
cmake_minimum_required(VERSION 3.20)

foreach(var TEST_EXECUTABLE TEST_TARGET TEST_WORKING_DIRECTORY TEST_LIST_FILE)
	if(NOT DEFINED ${var})
		message(FATAL_ERROR "CriterionAddTests.cmake: ${var} is not set")
	endif()
endforeach()

execute_process(
	COMMAND "${TEST_EXECUTABLE}" --list --ascii
	WORKING_DIRECTORY "${TEST_WORKING_DIRECTORY}"
	OUTPUT_VARIABLE listing
	ERROR_VARIABLE listing_err
	RESULT_VARIABLE rc
	TIMEOUT 30)
if(NOT rc EQUAL 0)
	file(REMOVE "${TEST_LIST_FILE}")
	message(FATAL_ERROR "${TEST_EXECUTABLE} --list failed (${rc}):\n${listing}${listing_err}")
endif()

# Test names are C identifiers, so a line never holds a list separator.
string(REPLACE "\n" ";" lines "${listing}")

set(tests "")
set(disabled "")
set(suite "")
foreach(line IN LISTS lines)
	if(line STREQUAL "")
		continue()
	elseif(line MATCHES "^([A-Za-z_][A-Za-z0-9_]*): [0-9]+ tests?$")
		set(suite "${CMAKE_MATCH_1}")
	elseif(line MATCHES "^(\\|--|`--) ([A-Za-z_][A-Za-z0-9_]*)( \\(skipped\\))?$")
		if(suite STREQUAL "")
			file(REMOVE "${TEST_LIST_FILE}")
			message(FATAL_ERROR "${TEST_EXECUTABLE} --list: a test before any suite: '${line}'")
		endif()
		list(APPEND tests "${suite}/${CMAKE_MATCH_2}")
		if(CMAKE_MATCH_3)
			list(APPEND disabled "${suite}/${CMAKE_MATCH_2}")
		endif()
	else()
		file(REMOVE "${TEST_LIST_FILE}")
		message(FATAL_ERROR "${TEST_EXECUTABLE} --list: unexpected line '${line}'\n"
				    "(CriterionAddTests.cmake reads Criterion 2.4's listing)")
	endif()
endforeach()

list(LENGTH tests count)
set(out "# Generated from `${TEST_TARGET} --list` by CriterionAddTests.cmake. Do not edit.\n")
string(APPEND out "# ${count} test case(s).\n")
string(APPEND out "set(_crit_tests \"${tests}\")\n")
string(APPEND out "set(_crit_disabled \"${disabled}\")\n")

# Write only when changed, so nothing downstream sees a spurious update.
set(old "")
if(EXISTS "${TEST_LIST_FILE}")
	file(READ "${TEST_LIST_FILE}" old)
endif()
if(NOT old STREQUAL out)
	file(WRITE "${TEST_LIST_FILE}" "${out}")
endif()
