//! Random bytes and mangled copies of the real samples thrown at every parser: each must
//! answer rows or errors, never panic. Deterministic (a fixed seed), so a failure repeats.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{collect, jsonstat, local_csv, sotkanet_csv, sotkanet_json, sotkanet_meta};

const SAMPLES: [&[u8]; 5] = [
    include_bytes!("../../../tests/fixtures/sotkanet/sotkanet_csv_ind127_2009_oskari.csv"),
    include_bytes!("../../../tests/fixtures/jsonstat/pxweb_hand_made.json"),
    br#"[{"indicator": 289, "region": 177, "year": 2023, "gender": "total", "value": 9.6, "absValue": 182}]"#,
    br#"[{"id": 9, "code": "016", "category": "KUNTA", "title": {"fi": "Asikkala"}, "memberOf": [658]}]"#,
    "\u{feff}indikaattori;alue;vuosi;sukupuoli;arvo;lukumäärä;nimittäjä\r\n1;KU398;2023;naiset;9,6;182;1896\r\n".as_bytes(),
];

fn every_parser(input: &[u8]) {
    let _ = collect(sotkanet_csv::read(input));
    let _ = collect(local_csv::read(input));
    let _ = sotkanet_json::read(input);
    let _ = sotkanet_meta::read_indicator(input);
    let _ = sotkanet_meta::read_indicator_list(input);
    let _ = sotkanet_meta::read_regions(input);
    if let Ok(ds) = jsonstat::read(input) {
        let _ = ds.rows().count();
    }
}

fn mangle(rng: &mut StdRng, sample: &[u8]) -> Vec<u8> {
    let mut v = sample.to_vec();
    match rng.gen_range(0..4) {
        0 => v.truncate(rng.gen_range(0..=v.len())),
        1 => {
            for _ in 0..rng.gen_range(1..8) {
                let i = rng.gen_range(0..v.len().max(1));
                if let Some(b) = v.get_mut(i) {
                    *b = rng.r#gen();
                }
            }
        }
        2 => {
            let punct = b";,\"\n\r{}[]:0-.";
            for _ in 0..rng.gen_range(1..8) {
                let at = rng.gen_range(0..=v.len());
                v.insert(at, punct[rng.gen_range(0..punct.len())]);
            }
        }
        _ => v = (0..rng.gen_range(0..512)).map(|_| rng.r#gen()).collect(),
    }
    v
}

#[test]
fn no_parser_panics_on_random_or_mangled_input() {
    let mut rng = StdRng::seed_from_u64(8);
    for round in 0..2000 {
        let sample = SAMPLES[round % SAMPLES.len()];
        every_parser(&mangle(&mut rng, sample));
    }
    let deep = "[".repeat(10_000);
    every_parser(deep.as_bytes());
}
