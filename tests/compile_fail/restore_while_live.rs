// Soundness rule 4: `Buffer::restore` takes `&mut self`, and every array from
// `buf.alloc` borrows `buf`, so no such array can be live across a restore.
// If it could, `a` would point into memory the restore took back (and that
// the next allocation would hand out again).

use bumper::{Buffer, SlabBuffer};

fn main() {
    let mut buf = SlabBuffer::<4096>::new();
    let cp = buf.checkpoint();
    let a = buf.alloc::<f64, 1>([4]);
    buf.restore(cp);
    println!("{}", a[[0]]);
}
