# The README's two commands: `make demo` (set up, build, run the main job) and `make test`.
SWIFT ?= swift
MEDIA_DIR ?= .media
export MEDIASERVE_MEDIA_DIR := $(abspath $(MEDIA_DIR))

.PHONY: demo test deps build release fixtures clean

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

fixtures: deps
	./scripts/make-fixtures.sh $(MEDIA_DIR)

demo: release fixtures
	./scripts/demo.sh

test: deps fixtures
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build $(MEDIA_DIR)
