#!/usr/bin/env bash
# The project's test command: the one the README gives and .ci/run calls.
# Formatting, vet, staticcheck, asynciovet on the repository's own code, then
# every test under the race detector; each package's TestMain runs goleak, so a
# leaked goroutine fails the run.
set -euo pipefail
cd "$(dirname "$0")"

echo "== gofmt -l"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"
	echo "$unformatted"
	exit 1
fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

echo "== cross-builds: 32-bit, darwin, windows"
GOARCH=386 go vet ./...
GOOS=darwin go vet ./...
GOOS=windows go build ./...

echo "== the portable goroutine-identity fallback (-tags asyncio_goidfallback)"
# 386 and other ports without the assembly use runtime.Stack to tell
# goroutines apart; the tag forces that path here, on internal/goid and on
# the root tests that exercise goroutine identity (binding, misuse from other
# goroutines, awaits). The whole root suite takes minutes that way.
go vet -tags asyncio_goidfallback ./internal/goid .
go test -count=1 -tags asyncio_goidfallback ./internal/goid
fallback_tests='TestTK|TestLK|TestFU|TestEL|TestWrongLoop|TestPrimitiveOfAnotherLoop|TestEveryMethod|TestTwoGoroutines|TestCancelFromAnotherGoroutine|TestRunClosesItsLoop'
go test -count=1 -tags asyncio_goidfallback -run "$fallback_tests" .
# The whole suite on 386 itself, where the fallback is the only path and int
# is 32 bits. asynciovet (pure syntax analysis) and the cross-runtime peers
# (benchmark drivers, tested on amd64 below) have nothing 32-bit to check.
GOARCH=386 go test -count=1 $(go list ./... | grep -v -e '/asynciovet$' -e '/bench/peers')

echo "== asynciovet (go vet -vettool)"
vetdir=$(mktemp -d)
trap 'rm -rf "$vetdir"' EXIT
go build -o "$vetdir/asynciovet" ./cmd/asynciovet
go vet -vettool="$vetdir/asynciovet" ./...

echo "== go test -race (goleak in every TestMain)"
# asynciovet's tests type-check the standard library from source (analysistest
# loads it so), which the race detector slows fivefold while the analyzer, a
# pass over syntax trees, has no concurrency of its own to check: they run
# without it.
go test -race -count=1 $(go list ./... | grep -v '/asynciovet$')
go test -count=1 ./asynciovet
