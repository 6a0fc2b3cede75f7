//! The published reference values of PHEindicatormethods (UKHSA's R implementation of the
//! Fingertips methods), read from its test suite: `tests/testthat/testdata_Proportion.xlsx`
//! (sheet `testdata_Prop`), `tests/testthat/testdata_Rate.xlsx` (sheet `testdata_Rate`) and
//! `tests/testthat/testdata_Byars_Wilson.xlsx`, repository ukhsa-collaboration/PHEindicatormethods.
//! The cells were read with Python's zipfile + xml.etree (standard library) and copied here
//! unrounded. Their rates use exact Poisson limits below 10 and Byar's method from 10 up, as
//! this crate does.

#![expect(
    clippy::excessive_precision,
    reason = "the reference cells are copied with all the digits Excel stored"
)]

use tuuli_stats::{Level, Method, Multiplier, Proportion, Rate};

/// Relative agreement: R's qnorm/qchisq and our own functions differ in the last digits.
fn near(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1e-3)
}

/// (numerator, denominator, lower 95, upper 95, lower 99.8, upper 99.8), proportion of 1.
const PROPORTIONS: [(f64, f64, f64, f64, f64, f64); 8] = [
    (
        1.0,
        100.0,
        1.767_432_064_140_651_1e-3,
        5.448_619_617_870_529_4e-2,
        8.730_656_972_999_77e-4,
        0.104_554_452_837_058_21,
    ),
    (
        5.0,
        100.0,
        2.154_367_915_436_798e-2,
        0.111_750_469_231_919_11,
        1.386_532_072_599_718_3e-2,
        0.164_588_522_825_964_42,
    ),
    (
        20.0,
        100.0,
        0.133_366_933_331_032_5,
        0.288_829_165_593_158_85,
        0.105_191_620_667_114_32,
        0.347_110_941_700_860_1,
    ),
    (
        65.0,
        100.0,
        0.552_544_432_968_879_67,
        0.736_357_517_569_024_68,
        0.495_494_657_407_043_13,
        0.778_354_061_408_969_68,
    ),
    (
        9856.0,
        12345.0,
        0.791_210_175_290_906_87,
        0.805_364_007_361_490_94,
        0.786_992_410_841_906_3,
        0.809_306_141_258_962_61,
    ),
    (
        7_776_456.0,
        7_564_336_677.0,
        1.027_320_100_164_109_4e-3,
        1.028_764_457_897_723_1e-3,
        1.026_904_011_844_221_3e-3,
        1.029_181_299_269_839_7e-3,
    ),
    (
        222.0,
        3215.0,
        6.079_169_036_363_659_5e-2,
        7.833_956_681_383_633_1e-2,
        5.647_101_964_624_248e-2,
        8.418_414_185_270_134_4e-2,
    ),
    (
        999.0,
        3456.0,
        0.274_189_510_800_098_73,
        0.304_403_896_628_180_57,
        0.265_839_957_680_749_53,
        0.313_447_544_927_998_48,
    ),
];

/// (numerator, denominator, lower 95, upper 95, lower 99.8, upper 99.8), rate per 100.
const RATES_PER_100: [(f64, f64, f64, f64, f64, f64); 9] = [
    (
        1.0,
        100.0,
        2.531_780_798_428_989_7e-2,
        5.571_643_390_938_898,
        1.000_500_333_583_534_4e-3,
        9.233_413_476_451_584_5,
    ),
    (
        5.0,
        100.0,
        1.623_486_390_118_42,
        11.668_332_079_322_669,
        0.739_371_731_917_839,
        16.454_745_203_680_105,
    ),
    (
        20.0,
        100.0,
        12.211_428_834_875_937,
        30.889_880_369_197_066,
        8.922_802_365_144_193,
        38.085_035_625_041_911,
    ),
    (
        65.0,
        100.0,
        50.163_187_710_459_454,
        82.849_138_545_939_837,
        42.880_261_471_480_203,
        94.000_290_844_318_016,
    ),
    (
        9856.0,
        12345.0,
        78.269_490_589_767_571,
        81.430_016_542_721_404,
        77.375_905_432_710_525,
        82.354_472_770_954_303,
    ),
    (
        7_776_456.0,
        7_564_336_677.0,
        0.102_731_960_053_020_74,
        0.102_876_483_340_928_32,
        0.102_690_317_308_454,
        0.102_918_176_395_090_68,
    ),
    (
        222.0,
        3215.0,
        6.026_574_877_652_675_1,
        7.875_729_370_871_850_3,
        5.560_737_695_259_853_7,
        8.461_046_681_733_410_7,
    ),
    (
        999.0,
        3456.0,
        27.141_304_936_090_521,
        30.755_833_237_378_415,
        26.162_147_596_445_767,
        31.845_604_819_822_654,
    ),
    // Area12 of the per-100,000 table, rescaled: more events than people (250 in 220).
    (
        250.0,
        220.0,
        99.984_947_385_328_764,
        128.631_144_874_557_82,
        92.710_005_544_389_525,
        137.651_237_721_474_58,
    ),
];

#[test]
fn wilson_intervals_match_pheindicatormethods() {
    for (o, n, l95, u95, l998, u998) in PROPORTIONS {
        let p = Proportion::new(o, n).unwrap();
        let (a, b) = (p.wilson(Level::P95), p.wilson(Level::P998));
        assert!(near(a.lower, l95) && near(a.upper, u95), "{o}/{n}: {a:?}");
        assert!(near(b.lower, l998) && near(b.upper, u998), "{o}/{n}: {b:?}");
    }
    // testdata_Byars_Wilson.xlsx: a non-whole count, 0.445 of 1.
    let p = Proportion::new(0.445, 1.0).unwrap().wilson(Level::P95);
    assert!(near(p.lower, 4.381_744_772_058_822_3e-2) && near(p.upper, 0.933_462_127_697_915_59));
    let p = Proportion::new(0.445, 1.0).unwrap().wilson(Level::P998);
    assert!(near(p.lower, 1.934_700_613_290_097_5e-2) && near(p.upper, 0.970_225_994_701_954_14));
}

#[test]
fn percentages_match_pheindicatormethods() {
    // The same sheet, multiplier 100: Area4 65/100 -> 65 %, 55.254443296887970–73.635751756902465.
    let e = Proportion::new(65.0, 100.0)
        .unwrap()
        .estimate(Level::P95, Multiplier::PERCENT);
    assert!(near(e.value, 65.0));
    assert!(
        near(e.interval.lower, 55.254_443_296_887_97)
            && near(e.interval.upper, 73.635_751_756_902_465)
    );
}

#[test]
fn rate_intervals_match_pheindicatormethods() {
    let per_100 = Multiplier::PERCENT;
    for (o, n, l95, u95, l998, u998) in RATES_PER_100 {
        let r = Rate::new(o, n).unwrap();
        let (a, b) = (
            r.estimate(Level::P95, per_100).interval,
            r.estimate(Level::P998, per_100).interval,
        );
        assert!(near(a.lower, l95) && near(a.upper, u95), "{o}/{n}: {a:?}");
        assert!(near(b.lower, l998) && near(b.upper, u998), "{o}/{n}: {b:?}");
        let method = if o < 10.0 {
            Method::ExactPoisson
        } else {
            Method::Byar
        };
        assert_eq!(a.method, method);
    }
    // Sheet testdata_Rate_g, 95 %, per 100,000: 2 in 200 (exact) and 10 in 200 (Byar).
    let per_100k = Multiplier::PER_100000;
    let a = Rate::new(2.0, 200.0)
        .unwrap()
        .estimate(Level::P95, per_100k);
    assert!(
        near(a.interval.lower, 121.104_639_271_982_58)
            && near(a.interval.upper, 3_612.343_833_861_979_4)
    );
    let b = Rate::new(10.0, 200.0)
        .unwrap()
        .estimate(Level::P95, per_100k);
    assert!(
        near(b.interval.lower, 2_393.724_956_983_782_2)
            && near(b.interval.upper, 9_195.729_302_878_236_9)
    );
}
