# ShmlifeInstall.cmake - what `cmake --install` puts where, how the installed
# harness finds it, and the packages made of it (docs/building.md, "Installing"):
#
#   <prefix>/bin/shmlife                          the harness
#   <prefix>/libexec/shmlife/shmlife-*            the programs scenarios exec
#   <prefix>/lib/libshmlife.a, include/shmlife/   the library, its public headers
#   <prefix>/lib/pkgconfig/shmlife.pc             pkg-config
#   <prefix>/lib/cmake/shmlife/                   find_package(shmlife):
#                                                 shmlife::framework, shmlife::shmlife,
#                                                 shmlife_add_scenarios(DIR...)
#   <prefix>/share/shmlife/scenarios/             the catalog (run it from share/shmlife)
#   <prefix>/share/shmlife/valgrind.supp          memcheck's suppressions
#   <prefix>/share/man/man1/shmlife.1, share/doc/shmlife/   the manual, the docs
#
# and `cpack -G DEB` in the build directory: shmlife_<version>_<arch>.deb.
#
# The harness finds the programs and the suppressions relative to its own
# executable (SHMLIFE_PROGRAMS_REL, SHMLIFE_DATA_REL, framework/src/util/util.h), so
# an install tree may be moved (DESTDIR, dpkg --root, a copied prefix).
# Included by CMakeLists.txt after every target is defined.
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

set(SHMLIFE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/shmlife" CACHE STRING
	"Where the CMake package (shmlifeConfig.cmake) is installed, under the prefix")
set(SHMLIFE_INSTALL_PROGRAMDIR "${CMAKE_INSTALL_LIBEXECDIR}/shmlife")
set(SHMLIFE_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/shmlife")

# ---- where the installed harness looks: relative to <bindir> ----------------
file(RELATIVE_PATH _shmlife_programs_rel "${CMAKE_INSTALL_FULL_BINDIR}"
	"${CMAKE_INSTALL_FULL_LIBEXECDIR}/shmlife")
file(RELATIVE_PATH _shmlife_data_rel "${CMAKE_INSTALL_FULL_BINDIR}"
	"${CMAKE_INSTALL_FULL_DATADIR}/shmlife")
foreach(_shmlife_stage IN LISTS SHMLIFE_STAGES)
	target_compile_definitions(stage_${_shmlife_stage} PRIVATE
		SHMLIFE_PROGRAMS_REL="${_shmlife_programs_rel}"
		SHMLIFE_DATA_REL="${_shmlife_data_rel}"
		# the source tree's suppressions, for a harness run from the build tree
		SHMLIFE_SOURCE_SUPP="${PROJECT_SOURCE_DIR}/reports/valgrind.supp")
endforeach()

if(NOT SHMLIFE_INSTALL)
	return()
endif()

# ---- the harness, the library, its headers -----------------------------------
set(_shmlife_export_targets shmlife_framework)
if(TARGET shmlife)
	list(APPEND _shmlife_export_targets shmlife)
endif()
install(TARGETS ${_shmlife_export_targets} EXPORT shmlifeTargets
	RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
	ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/framework/include/shmlife"
	DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
	FILES_MATCHING PATTERN "*.h")
install(FILES "${PROJECT_SOURCE_DIR}/framework/include/shmlife.h" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# ---- the programs scenarios exec (scenarios/*/programs; not tests/programs) --
get_property(_shmlife_musl_programs GLOBAL PROPERTY SHMLIFE_MUSL_PROGRAMS)
if(_shmlife_musl_programs)  # run --libc musl: the lean actor and the programs (cmake/LeanActor.cmake)
	install(PROGRAMS ${_shmlife_musl_programs} DESTINATION "${SHMLIFE_INSTALL_PROGRAMDIR}/musl")
endif()
get_property(_shmlife_programs GLOBAL PROPERTY SHMLIFE_SCENARIO_PROGRAMS)
if(_shmlife_programs)
	install(TARGETS ${_shmlife_programs} RUNTIME DESTINATION "${SHMLIFE_INSTALL_PROGRAMDIR}")
endif()

# ---- the catalog, the suppressions, the manual, the docs ----------------------
install(DIRECTORY "${PROJECT_SOURCE_DIR}/scenarios"
	DESTINATION "${SHMLIFE_INSTALL_DATADIR}"
	FILES_MATCHING
		PATTERN "*.scn"
		PATTERN "README.md"
		PATTERN "*.sh" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
			GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(FILES "${PROJECT_SOURCE_DIR}/reports/valgrind.supp" DESTINATION "${SHMLIFE_INSTALL_DATADIR}")
# The manual pages, generated from the commands' --help texts (one source):
# shmlife(1) and shmlife-COMMAND(1) (cmake/gen-man.sh), and the script
# language, shmlife-script(5), from docs/script-language.md.
set(SHMLIFE_MAN_DIR "${PROJECT_BINARY_DIR}/man")
add_custom_command(OUTPUT "${SHMLIFE_MAN_DIR}/man1/shmlife.1" "${SHMLIFE_MAN_DIR}/man5/shmlife-script.5"
	COMMAND sh "${PROJECT_SOURCE_DIR}/cmake/gen-man.sh" "$<TARGET_FILE:shmlife>" "${SHMLIFE_MAN_DIR}"
		"${PROJECT_VERSION}"
	DEPENDS shmlife "${PROJECT_SOURCE_DIR}/cmake/gen-man.sh" "${PROJECT_SOURCE_DIR}/cmake/help2roff.awk"
		"${PROJECT_SOURCE_DIR}/cmake/md2roff.awk" "${PROJECT_SOURCE_DIR}/docs/script-language.md"
	COMMENT "manual pages from shmlife --help and docs/script-language.md")
add_custom_target(man ALL DEPENDS "${SHMLIFE_MAN_DIR}/man1/shmlife.1" "${SHMLIFE_MAN_DIR}/man5/shmlife-script.5")
install(DIRECTORY "${SHMLIFE_MAN_DIR}/" DESTINATION "${CMAKE_INSTALL_MANDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/completion/shmlife.bash"
	DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions" RENAME shmlife)
file(GLOB _shmlife_docs "${PROJECT_SOURCE_DIR}/docs/*.md")
list(FILTER _shmlife_docs EXCLUDE REGEX "/HELPERS\\.md$")    # the project's own working rules
install(FILES "${PROJECT_SOURCE_DIR}/README.md" ${_shmlife_docs} "${PROJECT_SOURCE_DIR}/docs/results.schema.json"
	DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# ---- pkg-config: shmlife.pc ---------------------------------------------------
# libshmlife.a is static only, so what it links is in Requires, not .private:
# `pkg-config --cflags --libs shmlife` is enough.
file(RELATIVE_PATH SHMLIFE_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/shmlife.pc.in" "${PROJECT_BINARY_DIR}/shmlife.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/shmlife.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

# ---- the CMake package: find_package(shmlife) ---------------------------------
install(EXPORT shmlifeTargets NAMESPACE shmlife:: DESTINATION "${SHMLIFE_INSTALL_CMAKEDIR}")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/shmlifeConfig.cmake.in"
	"${PROJECT_BINARY_DIR}/shmlifeConfig.cmake"
	INSTALL_DESTINATION "${SHMLIFE_INSTALL_CMAKEDIR}"
	PATH_VARS SHMLIFE_INSTALL_DATADIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/shmlifeConfigVersion.cmake"
	COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/shmlifeConfig.cmake" "${PROJECT_BINARY_DIR}/shmlifeConfigVersion.cmake"
	"${PROJECT_SOURCE_DIR}/cmake/ShmlifeScenarios.cmake"
	DESTINATION "${SHMLIFE_INSTALL_CMAKEDIR}")

# ---- the Debian package: cpack -G DEB ------------------------------------------
set(CPACK_PACKAGE_NAME shmlife)
set(CPACK_PACKAGE_VENDOR "shmlife")
set(CPACK_PACKAGE_CONTACT "shmlife maintainers <shmlife@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
	"test and fault-injection framework for System V shared memory and daemon lifecycles")
set(CPACK_PACKAGE_DESCRIPTION "Runs scenario scripts in their own IPC, PID and mount namespaces and
checks each step against what the kernel says (IPC_STAT, /proc/sysvipc/shm,
/proc/PID/maps, ipcs).  TAP, JUnit XML, JSON and HTML reports.  Ships the
harness (shmlife), its catalog of scenarios, and the library and headers to
build C tests against it.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries the harness and programs link (libc6: json-c and
# expat are in them, from their archives) come from dpkg-shlibdeps; what it
# runs, from here:
# ipcs (util-linux) and ps (procps); valgrind only for --valgrind; the -dev
# packages and pkg-config only to build against libshmlife.a.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "util-linux, procps")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "valgrind")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "pkg-config, libjson-c-dev, libexpat1-dev, libseccomp-dev")
include(CPack)
