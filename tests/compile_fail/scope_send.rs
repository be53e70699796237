// `Scope` is neither `Send` nor `Sync`: it allocates from a buffer whose
// state lives in `Cell`s, owned by one thread (the default buffer is a
// thread-local). Sharing `&Scope` with a spawned thread would let two
// threads bump the same pointer at once. (Arrays from the scope may be
// sent; the scope itself may not.)

fn main() {
    bumper::no_escape(|s| {
        std::thread::scope(|t| {
            t.spawn(|| s.alloc::<f64, 1>([4]).len());
        });
    });
}
