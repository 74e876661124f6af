# The README's two commands: `make demo` (set up, build, run the main job) and `make test`.
SWIFT ?= swift
MEDIA_DIR ?= .media
export MEDIASERVE_MEDIA_DIR := $(abspath $(MEDIA_DIR))

.PHONY: demo test deps build release fixtures clean bench-packaging

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

# Manifest build time for a 2-hour, 7-rendition asset and a 2-hour live DVR window (release build; not in `make test`).
bench-packaging:
	$(SWIFT) build -c release --product PackagingBench
	$$($(SWIFT) build -c release --show-bin-path)/PackagingBench
