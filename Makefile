# Thin convenience wrapper around CMake/CTest. The real build lives in CMakeLists.txt.
#   make build          install missing Debian deps, configure (once) and build
#   make run ARGS=...   run the default scenario on $(NP) ranks, then plot into out/
#   make test           run the CTest suite
#   make sanitize       ASan/UBSan build (build-asan/) + unit tests + small scenarios, and valgrind runs
#   make fuzz           libFuzzer run of the scenario parsing for FUZZ_SECONDS (default 60), corpus merge (tests/fuzz/)
#   make format         clang-format -i all C sources
#   make format-check   fail if any C source is not clang-formatted
#   make clean          remove build/ and out/

MAKEFLAGS  += --no-print-directory

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= 2
NP         ?= 2
SCENARIO   ?= scenarios/default.yaml
OUT_DIR    ?= out
ARGS       ?=
CMAKE      ?= cmake
CTEST      ?= ctest
CLANG_FORMAT ?= clang-format
MPIRUN     ?= bash tools/mpirun.sh
# First interpreter that has numpy, h5py and matplotlib (pyenv shims may shadow Debian's python3).
PYTHON     ?= $(shell for p in python3 /usr/bin/python3; do $$p -c 'import numpy, h5py, matplotlib' >/dev/null 2>&1 && { echo $$p; exit 0; }; done; echo python3)

FORMAT_DIRS  := $(wildcard src include tests examples)
FORMAT_FILES  = $(sort $(wildcard *.c *.h) $(if $(FORMAT_DIRS),$(shell find $(FORMAT_DIRS) -type f \( -name '*.c' -o -name '*.h' \))))

.PHONY: all build configure deps run test sanitize clean format format-check fuzz

all: build

deps:
	bash tools/install_deps.sh

# Configure only when build/ is not configured yet (no cache, or a failed generate step left no build files);
# afterwards `cmake --build` re-runs CMake by itself whenever a CMakeLists.txt changes.
configure: deps
	@if [ ! -f $(BUILD_DIR)/CMakeCache.txt ] || { [ ! -f $(BUILD_DIR)/Makefile ] && [ ! -f $(BUILD_DIR)/build.ninja ]; }; then \
	  echo "$(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)"; \
	  $(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); \
	fi

build: deps configure
	$(CMAKE) --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(MPIRUN) -n $(NP) $(BUILD_DIR)/ness -options_file $(SCENARIO) $(ARGS)
	@$(PYTHON) tools/ness_plot.py $(OUT_DIR) || echo "warning: plotting failed (ignored); the solver output is in $(OUT_DIR)/" >&2

test: build
	cd $(BUILD_DIR) && $(CTEST) --output-on-failure -j$(JOBS)

sanitize: build
	bash tools/sanitize.sh $(BUILD_DIR)

fuzz: deps
	bash tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

clean:
	rm -rf $(BUILD_DIR) build-asan $(OUT_DIR)

format:
	$(if $(FORMAT_FILES),$(CLANG_FORMAT) -i $(FORMAT_FILES),@echo "format: no C sources")

format-check:
	$(if $(FORMAT_FILES),$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES),@true)
	@echo "format-check: OK ($(words $(FORMAT_FILES)) files)"
