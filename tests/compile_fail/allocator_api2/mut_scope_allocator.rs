// Soundness rule 9: `&mut Scope` is no allocator. allocator-api2's `Box`
// copies its allocator with `ptr::read` (`Box::leak`, `into_raw`), which a
// unique reference does not survive (Miri: Stacked Borrows UB). `&*s` and
// `&s` are the allocators to use.
fn main() {
    bumper::no_escape(|s| {
        let b = allocator_api2::boxed::Box::new_in(7_u64, s);
        assert_eq!(*b, 7);
    });
}
