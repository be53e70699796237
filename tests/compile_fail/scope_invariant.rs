// `Scope<'s>` is invariant in `'s` (DESIGN.md: "Makes Scope !Send, !Sync
// and invariant in 's"), so a scope cannot be relabelled with another
// lifetime, not even a shorter one. The arrays a scope hands out carry
// exactly the scope's own lifetime; the type system never mixes up the
// lifetimes of two scopes, so rule 1 rests on `'s` alone.

use bumper::Scope;

fn shorten<'short, 'long: 'short>(s: &'short Scope<'long>) -> &'short Scope<'short> {
    s
}

fn main() {
    bumper::no_escape(|s| {
        let t = shorten(s);
        println!("{}", t.alloc::<f64, 1>([4]).len());
    });
}
