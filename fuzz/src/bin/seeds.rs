//! Writes the seed corpora under `fuzz/seeds/<target>/`, from real credentials signed with the
//! fixed keys the targets trust: `cargo run --bin seeds` in `fuzz/`. Run it again when the
//! credential's format changes.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for (target, name, bytes) in onecard_fuzz::seeds() {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(&name), &bytes)?;
        println!("{target}/{name}: {} bytes", bytes.len());
    }
    Ok(())
}
