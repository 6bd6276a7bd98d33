# flamekit - the two commands of the README, and a few more.
#
#   make demo    install what is missing, build, run the demo
#   make test    install what is missing, build, run every test (release, then ASan+UBSan)
#   make build   release build into build/ (build/flamekit)
#   make deps    install missing Debian / npm packages (scripts/install-deps.sh)
#   make bench   run the benchmarks in bench/
#   make clean

JOBS   ?= $(shell nproc)
WERROR ?= ON

.PHONY: all deps build build-asan test demo bench clean format

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFK_WERROR=$(WERROR) >/dev/null
	@cmake --build build -j$(JOBS)

build-asan: deps
	@CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFK_SANITIZE=ON \
	    -DFK_WERROR=$(WERROR) >/dev/null
	@cmake --build build-asan -j$(JOBS)

test: deps
	@scripts/run-tests.sh

demo: build
	@scripts/demo.sh

bench: build
	@bench/run-all.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz
