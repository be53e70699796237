// Soundness rule 2: the outer scope cannot allocate while a nested scope is
// open. `Scope::no_escape` takes `&mut self`, so `s` is mutably borrowed for
// as long as the inner closure runs and the closure cannot also use it. If
// it could, the outer array would land in memory the inner scope frees when
// it ends, while the outer array is still live.

fn main() {
    bumper::no_escape(|s| {
        s.no_escape(|t| {
            let inner = t.alloc::<f64, 1>([4]);
            let outer = s.alloc::<f64, 1>([4]);
            println!("{} {}", inner[[0]], outer[[0]]);
        });
    });
}
