// Soundness rule 1: an array from a scope cannot outlive it, not even by
// being stored in a variable declared outside the closure. `keep` lives
// longer than the scope's lifetime `'s`, so it cannot hold a
// `PtrArray<'s, ..>`; if it could, `keep` would point into freed memory
// after `no_escape` returns.

fn main() {
    let mut keep = None;
    bumper::no_escape(|s| {
        keep = Some(s.alloc::<f64, 1>([3]));
    });
    if let Some(a) = keep {
        println!("{}", a[[0]]);
    }
}
