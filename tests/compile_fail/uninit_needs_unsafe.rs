// Soundness rule 5: memory handed out is initialised unless the name says
// `uninit`, and turning an `alloc_uninit` array into an array of `T` is the
// caller's promise that every element was written: `assume_init` is an
// `unsafe fn`. Here nothing was written, so reading `a` would read
// uninitialised memory; the call must not compile without `unsafe`.

fn main() {
    bumper::no_escape(|s| {
        let a = s.alloc_uninit::<f64, 1>([4]);
        let a = a.assume_init();
        println!("{}", a[[0]]);
    });
}
