// Command asynciovet checks asyncio-go programs for code that blocks the event
// loop, swallowed cancellations and task contexts that escape their
// coroutine. Run it alone or under go vet:
//
//	go run github.com/asyncio-go/asyncio/cmd/asynciovet ./...
//	go vet -vettool=$(which asynciovet) ./...
//
// See docs/asynciovet.md for what each check reports and why.
package main

import (
	"github.com/asyncio-go/asyncio/asynciovet"
	"golang.org/x/tools/go/analysis/multichecker"
)

func main() {
	multichecker.Main(asynciovet.Analyzers...)
}
