package asyncio

// WithStepHook makes the loop call fn with each task it is about to step
// (start or resume), on the loop's goroutine, just before the switch: the
// schedule as the loop runs it, which a test records to show that one seed
// (see [WithSeed]) replays a run exactly. fn must not block or use the
// loop; it may read the task's name.
func WithStepHook(fn func(task AnyTask)) Option { return func(l *EventLoop) { l.hooks.step = fn } }

// stepHook reports a task's step to the step hook.
func (l *EventLoop) stepHook(t *taskCore) { l.hooks.step(t.body) }
