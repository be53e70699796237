// Soundness rules 1 and 2 through the default buffer: two nested
// `bumper::no_escape` scopes have different lifetimes, `Scope<'s1>` and
// `Scope<'s2>`, and the scopes cannot be swapped. If they could, `s1`
// would afterwards be the inner scope (whose memory is freed when the inner
// closure returns) under the outer scope's lifetime `'s1`, and arrays
// allocated from it would outlive their memory; `s2` would be the outer
// scope, allocating below the inner scope's checkpoint.

fn main() {
    bumper::no_escape(|s1| bumper::no_escape(|s2| std::mem::swap(s1, s2)));
}
