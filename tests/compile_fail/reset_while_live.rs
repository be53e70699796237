// Soundness rule 4: `Buffer::reset` takes `&mut self`, and every array from
// `buf.alloc` borrows `buf`, so no such array can be live across a reset.
// If it could, `a` would point into memory the reset took back (or
// released to the system).

use bumper::{Buffer, SlabBuffer};

fn main() {
    let mut buf = SlabBuffer::<4096>::new();
    let a = buf.alloc::<f64, 1>([4]);
    buf.reset();
    println!("{}", a[[0]]);
}
