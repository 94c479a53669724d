// Package ignore tests the comment that silences one line.
package ignore

import (
	"context"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

func main() {
	asyncio.Run(func(ctx context.Context) error {
		//asynciovet:ignore the test needs the loop blocked for real time
		time.Sleep(time.Millisecond)
		time.Sleep(time.Millisecond) //asynciovet:ignore same line works too
		time.Sleep(time.Millisecond) // want `time.Sleep blocks`
		time.Sleep(time.Millisecond) /* want `//asynciovet:ignore needs a reason` */ //asynciovet:ignore
		asyncio.Sleep(ctx, 0)        //asynciovet:ignore a yield whose cancellation the next await delivers
		//asynciovet:ignore a reason for a line that no longer blocks // want `//asynciovet:ignore silences nothing: remove it`
		fmt.Println("fine")
		return nil
	})
}
