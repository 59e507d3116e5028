# cmake/LeanActor.cmake - what `shmlife run --libc musl` runs (docs/libc.md):
# the lean actor, bin/musl/shmlife-actor (framework/src/engine/lean/
# actor_lean.c with the actor's sources), and every program that scenarios
# exec, each built statically with musl-gcc (Debian: musl-tools) into
# bin/musl/ under its own name, where the musl actor's exec finds it first.
#
# CMake builds the project with one C compiler; these are built by custom
# commands that call musl-gcc.  The kernel's headers (linux/, asm/) come from
# the system's include directories, after musl's own (-idirafter).  Without
# musl-gcc, or under the sanitizers or coverage (which do not link
# statically), nothing is built and `run --libc musl` says so.
#
#   shmlife_musl_program(shmlife-careful careful.c)   # in a programs' CMakeLists.txt
find_program(SHMLIFE_MUSL_GCC musl-gcc)
set(SHMLIFE_MUSL OFF)
if(SHMLIFE_MUSL_GCC AND NOT SHMLIFE_SANITIZE AND NOT SHMLIFE_COVERAGE)
	set(SHMLIFE_MUSL ON)
endif()
set(SHMLIFE_MUSL_DIR "${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/musl")
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-multiarch OUTPUT_VARIABLE _shmlife_multiarch
	OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
set(SHMLIFE_MUSL_FLAGS -std=gnu11 -O2 -g -Wall -Wextra -static -ffunction-sections -fdata-sections
	-Wl,--gc-sections -idirafter /usr/include)
if(_shmlife_multiarch)
	list(APPEND SHMLIFE_MUSL_FLAGS -idirafter /usr/include/${_shmlife_multiarch})
endif()
if(SHMLIFE_WERROR)
	list(APPEND SHMLIFE_MUSL_FLAGS -Werror)
endif()
# The musl version, for the reports ("musl 1.2.3"): musl has no call that says it.
execute_process(COMMAND dpkg-query -W -f=\${Version} musl-dev OUTPUT_VARIABLE _shmlife_musl_version
	ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX REPLACE "-[^-]*$" "" SHMLIFE_MUSL_VERSION "${_shmlife_musl_version}")
if(NOT SHMLIFE_MUSL_VERSION)
	set(SHMLIFE_MUSL_VERSION "?")
endif()
add_custom_target(shmlife_musl)

# NAME built from SOURCES (relative to the calling CMakeLists.txt) into
# bin/musl/NAME, installed beside the scenarios' programs, in musl/.
function(shmlife_musl_program name)
	if(NOT SHMLIFE_MUSL)
		return()
	endif()
	set(sources "")
	foreach(src IN LISTS ARGN)
		list(APPEND sources "${CMAKE_CURRENT_SOURCE_DIR}/${src}")
	endforeach()
	set(out "${SHMLIFE_MUSL_DIR}/${name}")
	add_custom_command(OUTPUT "${out}"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${SHMLIFE_MUSL_DIR}"
		COMMAND ${SHMLIFE_MUSL_GCC} ${SHMLIFE_MUSL_FLAGS} ${sources} -o "${out}"
		DEPENDS ${sources}
		COMMENT "musl: ${name}"
		VERBATIM)
	add_custom_target(${name}-musl DEPENDS "${out}")
	add_dependencies(shmlife_musl ${name}-musl)
	set_property(GLOBAL APPEND PROPERTY SHMLIFE_MUSL_PROGRAMS "${out}")
endfunction()

# The lean actor: the actor's command loop and what it calls, nothing else.
if(SHMLIFE_MUSL)
	set(_src "${PROJECT_SOURCE_DIR}/framework/src")
	set(_lean_sources
		${_src}/engine/lean/actor_lean.c ${_src}/engine/actor.c ${_src}/engine/actor_self.c
		${_src}/engine/actor_exec.c
		${_src}/engine/actor_memory.c ${_src}/engine/wire.c ${_src}/inject/inject_filter.c
		${_src}/observe/observe_shmctl.c ${_src}/observe/observe_raw.c ${_src}/util/util.c ${_src}/util/child.c ${_src}/util/cpu.c
		${_src}/model/fault.c ${_src}/model/observed.c ${_src}/model/scenario.c)
	file(GLOB _lean_headers "${PROJECT_SOURCE_DIR}/framework/include/shmlife/*.h" "${_src}/*/*.h")
	set(_lean_includes "")
	foreach(dir include src/engine src/util src/inject src/observe src/model)
		list(APPEND _lean_includes "-I${PROJECT_SOURCE_DIR}/framework/${dir}")
	endforeach()
	set(_out "${SHMLIFE_MUSL_DIR}/shmlife-actor")
	add_custom_command(OUTPUT "${_out}"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${SHMLIFE_MUSL_DIR}"
		COMMAND ${SHMLIFE_MUSL_GCC} ${SHMLIFE_MUSL_FLAGS} ${_lean_includes}
			# its exec looks beside it (bin/musl/, libexec/shmlife/musl/: the
			# musl programs), then one folder up (the glibc ones)
			-DSHMLIFE_PROGRAMS_REL=".." -DSHMLIFE_DATA_REL=".."
			${_lean_sources} -o "${_out}"
		DEPENDS ${_lean_sources} ${_lean_headers}
		COMMENT "musl: shmlife-actor, the lean actor"
		VERBATIM)
	add_custom_target(shmlife-actor-musl DEPENDS "${_out}")
	add_dependencies(shmlife_musl shmlife-actor-musl)
	set_property(GLOBAL APPEND PROPERTY SHMLIFE_MUSL_PROGRAMS "${_out}")
else()
	message(STATUS "shmlife: no musl-gcc (Debian: musl-tools), or a sanitizer or coverage build: no run --libc musl")
endif()
