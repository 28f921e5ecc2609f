// treem's village page: a session's list and its entries kept on the phone
// (IndexedDB), z-scores computed here (who.js), and entries sent when there
// is signal. Every entry has its own id, so sending again never doubles
// anything; an entry stays on the phone until the server has answered it.
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var T = $("text").dataset;
  var db = null;
  var list = null; // the open session's list
  var entries = {}; // child key -> entry, for the open session
  var current = null; // the child being measured
  var syncing = false;

  // --- storage -----------------------------------------------------------
  function open() {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open("treem-village", 1);
      r.onupgradeneeded = function () {
        var d = r.result;
        d.createObjectStore("lists", { keyPath: "key" });
        var e = d.createObjectStore("entries", { keyPath: "id" });
        e.createIndex("state", "state");
        e.createIndex("list", "list");
      };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }
  function req(store, mode, act) {
    return new Promise(function (ok, fail) {
      var tx = db.transaction(store, mode);
      var r = act(tx.objectStore(store));
      tx.oncomplete = function () { ok(r && r.result); };
      tx.onerror = function () { fail(tx.error); };
    });
  }
  var get = function (s, k) { return req(s, "readonly", function (o) { return o.get(k); }); };
  var all = function (s) { return req(s, "readonly", function (o) { return o.getAll(); }); };
  var put = function (s, v) { return req(s, "readwrite", function (o) { return o.put(v); }); };
  var del = function (s, k) { return req(s, "readwrite", function (o) { return o.delete(k); }); };

  // --- small helpers -----------------------------------------------------
  function say(text, bad) {
    var s = $("status");
    s.textContent = text;
    s.className = bad ? "notice error" : "notice";
    s.hidden = !text;
  }
  function newId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function days(from, to) {
    var a = from.split("-"), b = to.split("-");
    return Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86400000);
  }
  function dmy(iso) { var p = iso.split("-"); return p[2] + "/" + p[1] + "/" + p[0]; }
  function iso(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
    if (!m) return null;
    var d = new Date(Date.UTC(+m[3], +m[2] - 1, +m[1]));
    if (d.getUTCDate() !== +m[1] || d.getUTCMonth() !== +m[2] - 1) return null;
    return d.toISOString().slice(0, 10);
  }
  function number(text) {
    var t = text.trim().replace(",", ".");
    if (t === "") return undefined;
    var v = Number(t);
    return isFinite(v) && v > 0 ? v : null;
  }
  function fmt(v, places) { return v.toFixed(places).replace(".", ","); }
  function word(k) {
    var w = list && list.words;
    for (var i = 0; w && i < w.length; i++) if (w[i][0] === k) return w[i][1];
    return k;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function show(id) {
    ["home", "session", "measure", "newchild"].forEach(function (s) { $(s).hidden = s !== id; });
    window.scrollTo(0, 0);
  }
  function stateText(e) { return T["state" + e.state.charAt(0).toUpperCase() + e.state.slice(1)] || e.state; }

  // --- z-scores and status, as treem-growth and the domain compute them --
  function assess(child, v) {
    var age = days(child.born, list.session.held_on);
    var z = TreemWho.zscores({ sex: child.sex, age_days: age, weight_kg: v.weight_kg == null ? null : v.weight_kg,
      length_cm: v.height_cm == null ? null : v.height_cm, position: v.position || null, oedema: v.oedema, head_cm: null });
    var valid = function (x) { return x && !x.flagged ? x.value : null; };
    var st = [];
    var cut = function (x, mod, sev) { if (x !== null && x < -3) st.push(sev); else if (x !== null && x < -2) st.push(mod); };
    cut(valid(z.waz), "underweight", "severely_underweight");
    cut(valid(z.haz), "stunting", "severe_stunting");
    cut(valid(z.whz), "wasting", "severe_wasting");
    if (valid(z.whz) !== null && valid(z.whz) > 2) st.push("overweight");
    var warn = [];
    if (age > 1826) warn.push("over_five");
    if (v.height_cm != null) {
      if (v.position === "standing" && z.c9mo_flag) warn.push("standing_under_9m");
      else if (v.position === "standing" && age >= 0 && age <= 730) warn.push("standing_under_2y");
      else if (v.position === "lying" && age > 730) warn.push("lying_from_2y");
    }
    if (v.weight_kg != null && (v.weight_kg < 0.2 || v.weight_kg > 200)) warn.push("outside_weight");
    if (v.height_cm != null && (v.height_cm < 20 || v.height_cm > 250)) warn.push("outside_height");
    ["waz", "haz", "whz"].forEach(function (k) { if (z[k] && z[k].flagged) warn.push("implausible_" + k); });
    if ((z.baz && z.baz.flagged) || (z.hcz && z.hcz.flagged)) warn.push("implausible_other");
    return { z: z, statuses: st, warnings: warn };
  }

  // --- the list of sessions on this phone --------------------------------
  function home() {
    show("home");
    all("lists").then(function (lists) {
      var ul = $("sessions");
      ul.textContent = "";
      lists.forEach(function (l) {
        var li = el("li");
        var a = el("a", l.session.kind_label + " — " + l.session.village + " (" + dmy(l.session.held_on) + ")");
        a.href = "#s=" + l.session.id;
        li.appendChild(a);
        ul.appendChild(li);
      });
      $("no-sessions").hidden = lists.length > 0;
    });
  }

  // --- one session -------------------------------------------------------
  function fetchList(id) {
    return fetch("/village/" + id + "/list.json", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok || (r.headers.get("content-type") || "").indexOf("json") < 0) throw new Error("signin");
        return r.json();
      }, function () { throw new Error("network"); })
      .then(function (l) {
        l.key = l.account + ":" + l.session.id;
        localStorage.setItem("treem-village-account", l.account);
        return put("lists", l).then(function () { return l; });
      });
  }

  function load(id) {
    var account = localStorage.getItem("treem-village-account") || "";
    var cached = get("lists", account + ":" + id);
    return cached.then(function (l) {
      if (navigator.onLine || !l) {
        return fetchList(id).then(function (f) { say(T.loaded); return f; }, function (e) {
          if (l) return l;
          say(e && e.message === "signin" ? T.signin : T.noList, true);
          throw e;
        });
      }
      return l;
    });
  }

  function openSession(id) {
    load(id).then(function (l) {
      list = l;
      localStorage.setItem("treem-village-last", String(id));
      return all("entries");
    }).then(function (es) {
      entries = {};
      es.forEach(function (e) { if (e.list === list.key) entries[e.child_key] = e; });
      // Children added on this phone are listed with the others.
      var added = es.filter(function (e) { return e.list === list.key && e.new_child; });
      list.local = added.map(function (e) {
        return { key: e.child_key, name: e.new_child.full_name, sex: e.new_child.sex, born: e.new_child.date_of_birth,
          mother: e.new_child.mother_name, added: true, new_child: e.new_child };
      });
      renderSession();
      show("session");
      sync(false);
    }).catch(function () { home(); });
  }

  // The server's answers stored since the open session's entries were
  // read: an answer newer than the one shown replaces it (nothing else is
  // touched, so an entry being typed is never lost).
  function answered(es) {
    es.forEach(function (e) {
      var shown = list && e.list === list.key ? entries[e.child_key] : null;
      if (shown && shown.id === e.id && (e.answered_at || 0) > (shown.answered_at || 0)) {
        entries[e.child_key] = e;
      }
    });
  }

  function keyOf(c) { return c.key || "c" + c.id; }

  function renderSession() {
    var s = list.session;
    $("s-title").textContent = s.kind_label + " — " + s.village;
    $("s-sub").textContent = s.commune + " · " + dmy(s.held_on);
    $("office-link").href = "/village/" + s.id + "#conflicts";
    var q = $("find").value.trim().toLowerCase();
    var ul = $("children");
    ul.textContent = "";
    var weighing = s.kind === "weighing";
    list.children.concat(list.local || []).forEach(function (c) {
      if (q && c.name.toLowerCase().indexOf(q) < 0) return;
      var k = keyOf(c), e = entries[k];
      var li = el("li", null, "village-child" + (e ? " entered" : ""));
      li.dataset.key = k;
      var title = el("strong", c.name);
      li.appendChild(title);
      var sub = dmy(c.born) + " · " + Math.floor(days(c.born, s.held_on) / 30.4375) + " " + T.months;
      if (c.mother) sub += " · " + T.mother + ": " + c.mother;
      li.appendChild(el("div", sub, "muted"));
      if (c.last) {
        var last = T.last + " " + dmy(c.last.on) + (c.last.w ? " · " + fmt(c.last.w, 1) + " kg" : "") +
          (c.last.h ? " · " + fmt(c.last.h, 1) + " cm" : "") + " · " +
          (c.last.s ? c.last.s.split(";").map(word).join(", ") : word("normal"));
        li.appendChild(el("div", last, "muted"));
      }
      if (weighing) {
        if (e) li.appendChild(el("div", (e.weight_kg ? fmt(e.weight_kg, 1) + " kg " : "") + (e.height_cm ? fmt(e.height_cm, 1) + " cm " : "") + "· " + stateText(e), "state-" + e.state));
        li.addEventListener("click", function () { measure(c); });
      } else {
        var box = el("input");
        box.type = "checkbox";
        box.id = "p-" + k;
        box.checked = !!(e && e.present);
        box.disabled = !!(e && (e.state !== "pending" || e.sent_at));
        var label = el("label", " " + T.present);
        label.insertBefore(box, label.firstChild);
        box.addEventListener("change", function () { tick(c, box.checked); });
        li.appendChild(label);
        if (e) li.appendChild(el("div", stateText(e), "state-" + e.state));
      }
      if (e && e.message && e.state !== "stored") li.appendChild(el("div", e.message, "muted"));
      ul.appendChild(li);
    });
    counts();
  }

  function counts() {
    var n = 0;
    Object.keys(entries).forEach(function (k) { if (entries[k].state === "pending") n++; });
    $("pending").textContent = n ? T.unsent.replace("{n}", n) : "";
  }

  function entryFor(c) {
    var old = entries[keyOf(c)];
    // An entry never sent is changed in place; one that was sent (even if
    // its answer was lost) is followed by a new entry, so the server sees
    // both and never takes the second for a retry of the first.
    if (old && old.state === "pending" && !old.sent_at) return old;
    var e = { id: newId(), list: list.key, session: list.session.id, account: list.account, child_key: keyOf(c),
      state: "pending", made_at: Date.now() };
    if (c.added) e.new_child = old ? old.new_child : c.new_child;
    else e.child = c.id;
    return e;
  }

  function keep(e) {
    entries[e.child_key] = e;
    return put("entries", e).then(function () {
      say(T.kept);
      renderSession();
      sync(false);
    });
  }

  function tick(c, present) {
    var e = entries[keyOf(c)];
    if (!present && e && e.state === "pending" && !e.sent_at) {
      delete entries[keyOf(c)];
      return del("entries", e.id).then(renderSession);
    }
    e = entryFor(c);
    e.present = true;
    return keep(e);
  }

  // --- the measurement form ----------------------------------------------
  function values() {
    return { weight_kg: number($("m-weight").value), height_cm: number($("m-height").value),
      position: $("m-position").value || null, oedema: $("m-oedema").checked };
  }

  function measure(c) {
    current = c;
    say("");
    var e = entries[keyOf(c)];
    $("m-name").textContent = c.name;
    $("m-sub").textContent = dmy(c.born) + " · " + (c.sex === "F" ? "♀" : "♂");
    $("m-weight").value = e && e.weight_kg ? fmt(e.weight_kg, 2).replace(/0$/, "") : "";
    $("m-height").value = e && e.height_cm ? fmt(e.height_cm, 1) : "";
    $("m-position").value = (e && e.position) || (days(c.born, list.session.held_on) > 730 ? "standing" : "lying");
    $("m-oedema").checked = !!(e && e.oedema);
    result();
    show("measure");
    $("m-weight").focus();
  }

  function result() {
    var out = $("m-result");
    out.textContent = "";
    var v = values();
    if (v.weight_kg === null || v.height_cm === null) { out.appendChild(el("p", T.badNumber, "notice error")); return; }
    if (v.weight_kg === undefined && v.height_cm === undefined) return;
    if (!TreemWho.loaded()) { out.appendChild(el("p", T.noTables, "notice error")); return; }
    var a = assess(current, v);
    var dl = el("dl", null, "zscores");
    [["WAZ", a.z.waz], ["HAZ", a.z.haz], ["WHZ", a.z.whz]].forEach(function (p) {
      dl.appendChild(el("dt", p[0]));
      dl.appendChild(el("dd", p[1] ? fmt(p[1].value, 2).replace("-", "−") + (p[1].flagged ? " ⚠" : "") : "—"));
    });
    out.appendChild(dl);
    out.appendChild(el("p", a.statuses.length ? a.statuses.map(word).join(", ") : word("normal"), a.statuses.length ? "status bad" : "status"));
    a.warnings.forEach(function (w) { out.appendChild(el("p", word(w), "notice error")); });
  }

  function saveMeasure() {
    var v = values();
    if (v.weight_kg === null || v.height_cm === null) return;
    if (v.weight_kg === undefined && v.height_cm === undefined) { say(T.nothing, true); return; }
    var e = entryFor(current);
    e.weight_kg = v.weight_kg === undefined ? null : v.weight_kg;
    e.height_cm = v.height_cm === undefined ? null : v.height_cm;
    e.position = v.position;
    e.oedema = v.oedema;
    keep(e).then(function () { show("session"); });
  }

  // --- a child met in the village ----------------------------------------
  function saveNew() {
    var born = iso($("n-born").value), name = $("n-name").value.trim(), sex = $("n-sex").value;
    var err = $("n-error");
    if (!name || !sex || !born || born > list.session.held_on) { err.textContent = T.badChild; err.hidden = false; return; }
    err.hidden = true;
    var c = { key: "n" + newId(), name: name, sex: sex, born: born, mother: $("n-mother").value.trim(), added: true };
    c.new_child = { full_name: name, sex: sex, date_of_birth: born, mother_name: c.mother };
    list.local = (list.local || []).concat([c]);
    ["n-name", "n-born", "n-mother"].forEach(function (id) { $(id).value = ""; });
    $("n-sex").value = "";
    if (list.session.kind === "weighing") measure(c);
    else tick(c, true).then(function () { show("session"); });
  }

  // --- sending -----------------------------------------------------------
  // The signed-in account and its token; `signin` when signed out (the
  // server answers with the sign-in page), `network` when it cannot be reached.
  function whoami() {
    return fetch("/village/whoami", { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok || (r.headers.get("content-type") || "").indexOf("json") < 0) throw new Error("signin");
      return r.json();
    }, function () { throw new Error("network"); });
  }

  function send(me, batch, sessionId) {
    var now = Date.now();
    return Promise.all(batch.map(function (e) {
      e.sent_at = e.sent_at || now;
      return put("entries", e);
    })).then(function () { return post(me, batch, sessionId); });
  }

  function post(me, batch, sessionId) {
    var body = batch.map(function (e) {
      var o = { id: e.id, child: e.child, new_child: e.new_child, weight_kg: e.weight_kg, height_cm: e.height_cm,
        position: e.position, oedema: !!e.oedema, present: !!e.present };
      Object.keys(o).forEach(function (k) { if (o[k] === undefined) delete o[k]; });
      return o;
    });
    return fetch("/village/" + sessionId + "/entries", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "x-csrf-token": me.csrf },
      body: JSON.stringify({ entries: body })
    }).then(function (r) {
      if (!r.ok) throw new Error("http " + r.status);
      return r.json();
    }).then(function (answer) {
      var byId = {};
      batch.forEach(function (e) { byId[e.id] = e; });
      return Promise.all(answer.results.map(function (res) {
        var e = byId[res.id];
        if (!e) return null;
        e.state = res.state;
        e.message = res.message;
        e.answered_at = Date.now();
        if (list && e.list === list.key) entries[e.child_key] = e;
        return put("entries", e);
      }));
    });
  }

  // Sends what the server has not answered yet. A failed automatic attempt
  // is tried again after 2.5 s, 5 s, 10 s… (at most a minute apart).
  var retryMs = 0, retryTimer = null;
  function retryLater() {
    retryMs = Math.min(60000, (retryMs || 1250) * 2);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { sync(false); }, retryMs);
  }

  function sync(manual) {
    if (syncing || !db || (!navigator.onLine && !manual)) return Promise.resolve();
    syncing = true;
    return all("entries").then(function (es) {
      // Unanswered entries, and conflicts (to learn how they were resolved).
      var todo = es.filter(function (e) { return e.state === "pending" || e.state === "conflict"; });
      if (!todo.length) { if (manual) say(T.sent); return null; }
      return whoami().then(function (me) {
        var mine = todo.filter(function (e) { return e.account === me.account; });
        if (mine.length < todo.length) say(T.otherAccount, true);
        var bySession = {};
        mine.forEach(function (e) { (bySession[e.session] = bySession[e.session] || []).push(e); });
        var chain = Promise.resolve();
        Object.keys(bySession).forEach(function (sid) {
          var part = bySession[sid];
          for (var i = 0; i < part.length; i += 100) {
            (function (b) { chain = chain.then(function () { return send(me, b, sid); }); })(part.slice(i, i + 100));
          }
        });
        return chain.then(function () {
          retryMs = 0;
          if (mine.length === todo.length) say(T.sent);
        });
      });
    }).catch(function (err) {
      if (err && err.message === "signin") { say(T.signin, true); return; }
      say(T.sendFailed, true);
      retryLater();
    }).then(function () {
      syncing = false;
      // Read back what the answers stored: a session opened while this
      // sending ran may hold entries read before them.
      if (list) return all("entries").then(function (es) { answered(es); renderSession(); });
    });
  }

  // --- wiping what has expired -------------------------------------------
  function wipeExpired() {
    var now = Date.now();
    return all("lists").then(function (lists) {
      return Promise.all(lists.filter(function (l) { return l.expires_at < now; }).map(function (l) {
        say(T.expired);
        return del("lists", l.key);
      }));
    }).then(function () { return all("entries"); }).then(function (es) {
      // Answered entries are kept a week for the officer to see, then go;
      // unanswered ones and conflicts are never wiped.
      return Promise.all(es.filter(function (e) {
        return e.state !== "pending" && e.state !== "conflict" && e.answered_at && now - e.answered_at > 7 * 86400000;
      }).map(function (e) { return del("entries", e.id); }));
    });
  }

  function signOut() {
    all("entries").then(function (es) {
      var unsent = es.filter(function (e) { return e.state === "pending"; }).length;
      if (unsent && !window.confirm(T.signoutUnsent.replace("{n}", unsent))) {
        return sync(true);
      }
      return all("lists").then(function (lists) {
        return Promise.all(lists.map(function (l) { return del("lists", l.key); }));
      }).then(whoami).then(function (me) {
        var f = document.createElement("form");
        f.method = "post";
        f.action = "/logout";
        var c = el("input");
        c.type = "hidden"; c.name = "csrf"; c.value = me.csrf;
        f.appendChild(c);
        document.body.appendChild(f);
        f.submit();
      }, function () { home(); });
    });
  }

  // --- start -------------------------------------------------------------
  function route() {
    var m = /s=(\d+)/.exec(location.hash);
    if (m) openSession(+m[1]);
    else home();
  }

  function net() {
    $("net").textContent = navigator.onLine ? T.online : T.offline;
    if (navigator.onLine) sync(false);
  }

  if (!window.isSecureContext || !("serviceWorker" in navigator)) $("insecure").hidden = false;
  else navigator.serviceWorker.register("/village/sw.js", { scope: "/village/" });
  fetch("/static/who-tables.json").then(function (r) { return r.json(); }).then(TreemWho.load, function () {});
  $("to-home").addEventListener("click", function (ev) { ev.preventDefault(); location.hash = ""; });
  $("find").addEventListener("input", renderSession);
  $("send").addEventListener("click", function () { sync(true); });
  $("add-new").addEventListener("click", function () { show("newchild"); $("n-name").focus(); });
  $("n-save").addEventListener("click", saveNew);
  $("n-cancel").addEventListener("click", function () { show("session"); });
  ["m-weight", "m-height", "m-position", "m-oedema"].forEach(function (id) {
    $(id).addEventListener("input", result);
    $(id).addEventListener("change", result);
  });
  $("m-save").addEventListener("click", saveMeasure);
  $("m-cancel").addEventListener("click", function () { show("session"); });
  $("signout").addEventListener("click", signOut);
  window.addEventListener("hashchange", route);
  window.addEventListener("online", net);
  window.addEventListener("offline", net);
  setInterval(function () { if (navigator.onLine) sync(false); }, 60000);
  open().then(function (d) {
    db = d;
    $("signout").hidden = false;
    return wipeExpired();
  }).then(function () {
    net();
    if (!location.hash && localStorage.getItem("treem-village-last")) location.hash = "s=" + localStorage.getItem("treem-village-last");
    else route();
  });
})();
