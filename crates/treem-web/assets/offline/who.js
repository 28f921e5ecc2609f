// WHO Child Growth Standards 2006 z-scores in the browser, computed exactly
// as treem-growth computes them (crates/treem-growth/src/lib.rs; each rule
// names its number in crates/treem-growth/tables/README.md). The tables come
// from /static/who-tables.json, the same values the server uses. A test runs
// this file in headless Chromium on 10,000 generated cases and compares
// every value and flag with the server's (crates/treem/tests/browser_zscore.rs).
"use strict";
(function (root) {
  var MAX_AGE_DAYS = 1826; // rule 5
  var LYING_UNTIL_DAYS = 730; // rule 6
  var NINE_MONTHS_DAYS = 273; // rule 6
  var T = null;

  // Rust's f64::round: half away from zero.
  function roundHalfAway(x) {
    return x < 0 ? -Math.round(-x) : Math.round(x);
  }

  function lmsAt(table, sex, x) {
    var i = x - table.first;
    var rows = table.rows[sex];
    if (i < 0 || 3 * i + 2 >= rows.length) return null;
    return { l: rows[3 * i], m: rows[3 * i + 1], s: rows[3 * i + 2] };
  }

  function lastOf(table) {
    return table.first + table.rows[0].length / 3 - 1;
  }

  // Rule 1.
  function zLms(y, p) {
    if (p.l === 0) return Math.log(y / p.m) / p.s;
    if (p.l === 1) return (y / p.m - 1) / p.s;
    return (Math.pow(y / p.m, p.l) - 1) / (p.l * p.s);
  }

  function sd(k, p) {
    return p.m * Math.pow(1 + p.l * p.s * k, 1 / p.l);
  }

  // Rule 2: restricted application beyond ±3 SD.
  function zRestricted(y, p) {
    var z = zLms(y, p);
    if (z > 3) {
      var sd3 = sd(3, p);
      return 3 + (y - sd3) / (sd3 - sd(2, p));
    }
    if (z < -3) {
      var sdm3 = sd(-3, p);
      return -3 + (y - sdm3) / (sd(-2, p) - sdm3);
    }
    return z;
  }

  // Rule 3 and rule 12.
  function make(z, low, high) {
    if (!isFinite(z)) return null;
    var value = roundHalfAway(z * 100) / 100;
    return { value: value, flagged: value < low || value > high };
  }

  function milli(x) {
    return roundHalfAway(x * 1000);
  }

  // Rule 8: linear between the neighbouring 0.1 cm rows.
  function atLength(table, sex, xMilli) {
    var tenth = Math.floor(xMilli / 100);
    var rest = xMilli - tenth * 100;
    var lo = lmsAt(table, sex, tenth);
    if (!lo) return null;
    if (rest === 0) return lo;
    var hi = lmsAt(table, sex, tenth + 1);
    if (!hi) return null;
    var f = rest / 100;
    return {
      l: lo.l + f * (hi.l - lo.l),
      m: lo.m + f * (hi.m - lo.m),
      s: lo.s + f * (hi.s - lo.s)
    };
  }

  // Rule 6: [adjusted length in thousandths of a cm, under-9-months flag].
  function adjustedLength(lengthMilli, age, position) {
    if (age !== null && position === "standing" && age <= LYING_UNTIL_DAYS) {
      if (age <= NINE_MONTHS_DAYS) return [lengthMilli, true];
      return [lengthMilli + 700, false];
    }
    if (age !== null && position === "lying" && age > LYING_UNTIL_DAYS) {
      return [lengthMilli - 700, false];
    }
    return [lengthMilli, false];
  }

  // Rule 7.
  function whz(sex, weight, clenMilli, age, position) {
    var useWfl;
    if (age !== null) useWfl = age <= LYING_UNTIL_DAYS;
    else if (position !== null) useWfl = position === "lying";
    else useWfl = clenMilli < 87000;
    var table = useWfl ? T.wfl : T.wfh;
    if (clenMilli < table.first * 100 || clenMilli > lastOf(table) * 100) return null;
    var p = atLength(table, sex, clenMilli);
    return p ? zRestricted(weight, p) : null;
  }

  function positive(v) {
    return typeof v === "number" && v > 0 && isFinite(v) ? v : null;
  }

  // m: {sex: "M"|"F", age_days: int|null, weight_kg, length_cm,
  // position: "lying"|"standing"|null, oedema: bool, head_cm}.
  function zscores(m) {
    if (!T) throw new Error("WHO tables not loaded");
    var sex = m.sex === "F" ? 1 : 0;
    var weight = positive(m.weight_kg);
    var length = positive(m.length_cm);
    var head = positive(m.head_cm);
    var age = typeof m.age_days === "number" ? m.age_days : null;
    var position = m.position === "lying" || m.position === "standing" ? m.position : null;
    var out = { clen_cm: null, c9mo_flag: false, waz: null, haz: null, whz: null, baz: null, hcz: null };
    if (age !== null && (age < 0 || age > MAX_AGE_DAYS)) {
      if (length !== null) out.clen_cm = adjustedLength(milli(length), age, position)[0] / 1000;
      return out;
    }
    var clen = null;
    if (length !== null) {
      var adj = adjustedLength(milli(length), age, position);
      clen = adj[0];
      out.c9mo_flag = adj[1];
    }
    if (out.c9mo_flag) position = null;
    var weightOk = m.oedema ? null : weight; // rule 10
    var byAge = function (table) {
      return age === null ? null : lmsAt(table, sex, age);
    };
    var p;
    if (weightOk !== null && (p = byAge(T.wfa))) out.waz = make(zRestricted(weightOk, p), -6, 5);
    if (clen !== null && (p = byAge(T.lhfa))) out.haz = make(zLms(clen / 1000, p), -6, 6);
    if (weightOk !== null && clen !== null) {
      var w = whz(sex, weightOk, clen, age, position);
      if (w !== null) out.whz = make(w, -5, 5);
    }
    if (weightOk !== null && clen !== null && (p = byAge(T.bfa))) {
      var metres = clen / 100000;
      out.baz = make(zRestricted(weightOk / (metres * metres), p), -5, 5);
    }
    if (head !== null && (p = byAge(T.hcfa))) out.hcz = make(zLms(head, p), -5, 5);
    if (clen !== null) out.clen_cm = clen / 1000;
    return out;
  }

  root.TreemWho = {
    load: function (tables) {
      T = tables;
    },
    loaded: function () {
      return T !== null;
    },
    zscores: zscores
  };
})(typeof self !== "undefined" ? self : this);
