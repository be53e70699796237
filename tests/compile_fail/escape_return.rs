// Soundness rule 1: an array from a scope cannot outlive it.
// The closure of `bumper::no_escape` is generic over the scope's lifetime
// `'s` (`for<'s> FnOnce(&mut Scope<'s>) -> R`), and `R` cannot name `'s`,
// so returning a `PtrArray<'s, ..>` is a lifetime error. If it compiled,
// `a` would point into memory the scope freed when it returned.

fn main() {
    let a = bumper::no_escape(|s| s.alloc::<f64, 1>([3]));
    println!("{}", a[[0]]);
}
