// Soundness rule 1 for nested scopes: an array of the inner scope cannot be
// returned into the outer one. The inner closure is generic over its own
// lifetime `'t`, which the outer scope cannot name; the inner array's
// memory is freed when `s.no_escape` returns, so the outer scope must not
// see it.

fn main() {
    bumper::no_escape(|s| {
        let outer = s.alloc_filled([3], 1.0_f64);
        let inner = s.no_escape(|t| t.alloc_filled([3], 2.0_f64));
        println!("{} {}", outer[[0]], inner[[0]]);
    });
}
