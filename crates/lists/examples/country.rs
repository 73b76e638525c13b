//! Prints the ISO alpha-2 code for each line of standard input (or `??`).
use std::io::BufRead;
fn main() {
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let code = chokepoint_lists::country::to_alpha2(&line).unwrap_or("??");
        println!("{code}\t{line}");
    }
}
