# make_corpus.cmake - copies every scenario script into a flat seed corpus
# directory (cmake -D SOURCE_DIR=... -D OUT=... -P make_corpus.cmake).
# Run at build time, so the corpus is the catalog as it is now.  Each file
# is named after its path (scenarios/a/b.scn -> scenarios_a_b.scn).
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
set(count 0)
foreach(dir scenarios tests/failing harness/bench/scenarios fuzz/seeds fuzz/regressions)
	file(GLOB_RECURSE scripts "${SOURCE_DIR}/${dir}/*.scn")
	foreach(script IN LISTS scripts)
		file(RELATIVE_PATH rel "${SOURCE_DIR}" "${script}")
		string(REPLACE "/" "_" flat "${rel}")
		configure_file("${script}" "${OUT}/${flat}" COPYONLY)
		math(EXPR count "${count} + 1")
	endforeach()
endforeach()
message(STATUS "fuzz: ${count} seed scripts in ${OUT}")
