package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/asyncio-go/asyncio"
)

// This example handles the failures of a TaskGroup by kind, as Python's
// except* clauses do:
//
//	try:
//	    async with asyncio.TaskGroup() as tg:
//	        tg.create_task(parse("x"))
//	        tg.create_task(lookup("missing"))
//	        tg.create_task(parse("7"))
//	except* ValueError as eg:
//	    print("ValueError:", eg.exceptions)
//	except* KeyError as eg:
//	    print("KeyError:", eg.exceptions)
func ExampleSplitError() {
	errKey := errors.New("KeyError")
	parse := func(s string) func(context.Context) error {
		return func(context.Context) error { _, err := strconv.Atoi(s); return err }
	}
	lookup := func(key string) func(context.Context) error {
		return func(context.Context) error { return fmt.Errorf("%w: %q", errKey, key) }
	}
	isValueError := func(err error) bool { return errors.Is(err, strconv.ErrSyntax) }
	isKeyError := func(err error) bool { return errors.Is(err, errKey) }

	asyncio.Run(func(ctx context.Context) error {
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(parse("x"), asyncio.WithName("parse-x"))
			tg.Go(lookup("missing"), asyncio.WithName("lookup-missing"))
			tg.Go(parse("7"), asyncio.WithName("parse-7"))
			return nil
		})
		eg, err := asyncio.SplitError(err, isValueError)
		if eg != nil {
			fmt.Println("ValueError:", eg.(*asyncio.TaskGroupError).Errors)
		}
		eg, err = asyncio.SplitError(err, isKeyError)
		if eg != nil {
			fmt.Println("KeyError:", eg.(*asyncio.TaskGroupError).Errors)
		}
		return err // nil: every failure was handled
	})
	// Output:
	// ValueError: [task parse-x: strconv.Atoi: parsing "x": invalid syntax]
	// KeyError: [task lookup-missing: KeyError: "missing"]
}
