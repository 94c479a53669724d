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
GOOS=darwin go build ./...
GOOS=windows go build ./...

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
