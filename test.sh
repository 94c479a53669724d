#!/usr/bin/env bash
# The project's test command: the one the README gives and .ci/run calls.
# Formatting, vet, staticcheck, then every test under the race detector; each
# package's TestMain runs goleak, so a leaked goroutine fails the run.
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

echo "== go test -race (goleak in every TestMain)"
go test -race -count=1 ./...
