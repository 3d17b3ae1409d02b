/* gebiedsplan: inbreng van deelnemers op een wijkavond (kaart --soort inbreng).
 * Punten blijven in de browser (localStorage), zonder server en zonder internet.
 * Alles wat een deelnemer typt is tekst: textContent, nooit als HTML. */
window.gebiedsplanInbreng = function (kaart, cfg) {
    "use strict";
    var MAX_TEKST = 280;
    var OORDELEN = ["mist", "goed", "knelpunt"];
    var KLEUR = {mist: "#d73027", goed: "#1a9850", knelpunt: "#fdae61", "": "#4575b4"};
    var sleutel = "gebiedsplan-inbreng:" + cfg.gemeentecode + ":" + cfg.bijeenkomst;
    var labels = {};
    var perLabel = {};
    cfg.categorieen.forEach(function (c) {
        labels[c.code] = c.label;
        perLabel[c.label.toLowerCase()] = c.code;
        perLabel[c.code.toLowerCase()] = c.code;
    });
    labels.anders = "anders";
    perLabel.anders = "anders";
    function $(id) { return document.getElementById(id); }

    // de omtrek van de gemeente (vereenvoudigd, WGS84): een speld erbuiten weigert
    // 'gebiedsplan importeer --inbreng'; de pagina zegt het meteen
    var omtrek = Array.isArray(cfg.omtrek) ? cfg.omtrek : [];
    var BUITEN = "Deze speld ligt buiten de gemeente " + (cfg.gemeentenaam || cfg.gemeentecode)
        + "; verplaats hem (sleep de speld naar binnen) of verwijder hem. "
        + "Bij het importeren (gebiedsplan importeer --inbreng) wordt hij geweigerd.";
    function inRing(lon, lat, ring) {
        var binnen = false;
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
            if ((yi > lat) !== (yj > lat)
                && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) { binnen = !binnen; }
        }
        return binnen;
    }
    function binnenGemeente(lat, lon) {
        if (!omtrek.length) { return true; }  // geen omtrek: niets te zeggen
        return omtrek.some(function (vlak) {
            var binnen = false;  // buitenring en gaten: even-oneven
            vlak.forEach(function (ring) { if (inRing(lon, lat, ring)) { binnen = !binnen; } });
            return binnen;
        });
    }

    function laad() {
        var leeg = {datum: cfg.datum, punten: []};
        try {
            var s = JSON.parse(window.localStorage.getItem(sleutel) || "null");
            if (s && Array.isArray(s.punten)) { return s; }
        } catch (e) { /* onleesbaar: begin leeg */ }
        return leeg;
    }
    var staat = laad();
    function bewaar() {
        try { window.localStorage.setItem(sleutel, JSON.stringify(staat)); } catch (e) {
            $("gebiedsplan-inbreng-melding").textContent =
                "Let op: de browser kan niet opslaan; exporteer de punten voordat u de pagina sluit.";
        }
    }

    var laag = L.featureGroup().addTo(kaart);
    cfg.wijken.forEach(function (w) {
        var el = document.createElement("span");
        el.className = "gp-wijknaam";
        el.textContent = w.naam;
        L.marker([w.lat, w.lon], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "gp-wijklabel", html: el, iconSize: null})}).addTo(kaart);
    });

    function beschrijving(p) {
        var el = document.createElement("div");
        var kop = document.createElement("b");
        kop.textContent = (labels[p.categorie] || p.categorie) + (p.oordeel ? " (" + p.oordeel + ")" : "");
        var tekst = document.createElement("div");
        tekst.className = "gp-inbreng-tekst";
        tekst.textContent = p.tekst;
        el.appendChild(kop);
        el.appendChild(tekst);
        if (!binnenGemeente(p.lat, p.lon)) {
            var waarschuwing = document.createElement("div");
            waarschuwing.className = "gp-buiten";
            waarschuwing.textContent = BUITEN;
            el.appendChild(waarschuwing);
        }
        return el;
    }

    function teken() {
        laag.clearLayers();
        var lijst = $("gebiedsplan-inbreng-lijst");
        lijst.replaceChildren();
        var buiten = 0;
        staat.punten.forEach(function (p, i) {
            var stip = document.createElement("span");
            stip.className = "gp-punt gp-inbreng-punt";
            if (!binnenGemeente(p.lat, p.lon)) {
                stip.className += " gp-inbreng-buiten";
                buiten += 1;
            }
            stip.style.background = KLEUR[p.oordeel || ""];
            var m = L.marker([p.lat, p.lon], {draggable: true, icon: L.divIcon(
                {className: "gp-icoon", html: stip, iconSize: [16, 16]})});
            m.bindPopup(beschrijving(p), {maxWidth: 280});
            m.on("dragend", function () {  // verplaatsen: slepen
                var ll = m.getLatLng();
                p.lat = ll.lat;
                p.lon = ll.lng;
                bewaar();
                teken();
            });
            laag.addLayer(m);
            var li = document.createElement("li");
            li.appendChild(beschrijving(p));
            var weg = document.createElement("button");
            weg.type = "button";
            weg.textContent = "Verwijder";
            weg.addEventListener("click", function () {
                staat.punten.splice(i, 1);
                bewaar();
                teken();
            });
            li.appendChild(weg);
            li.addEventListener("dblclick", function () { kaart.setView([p.lat, p.lon], 17); });
            lijst.appendChild(li);
        });
        $("gebiedsplan-inbreng-aantal").textContent = String(staat.punten.length);
        $("gebiedsplan-inbreng-buiten").textContent = buiten === 0 ? ""
            : (buiten === 1 ? "1 speld ligt" : buiten + " spelden liggen")
                + " buiten de gemeente: verplaats of verwijder " + (buiten === 1 ? "hem" : "ze")
                + " voor het exporteren (zie de lijst).";
        return buiten;
    }

    // het formulier
    var formulier = $("gebiedsplan-inbreng-formulier");
    var tekstveld = $("gebiedsplan-inbreng-tekst");
    var teller = $("gebiedsplan-inbreng-teller");
    var plek = null;
    var voorlopig = null;
    function telBij() { teller.textContent = tekstveld.value.length + " / " + MAX_TEKST; }
    var formbuiten = $("gebiedsplan-inbreng-formbuiten");
    function sluit() {
        formulier.hidden = true;
        formbuiten.hidden = true;
        plek = null;
        if (voorlopig) { kaart.removeLayer(voorlopig); voorlopig = null; }
    }
    kaart.on("click", function (e) {
        plek = e.latlng;
        var binnen = binnenGemeente(plek.lat, plek.lng);
        if (voorlopig) { kaart.removeLayer(voorlopig); }
        voorlopig = L.circleMarker(plek, {radius: 9, color: binnen ? "#111" : "#b30000",
            weight: 3, dashArray: binnen ? null : "4 3", fillOpacity: 0.2,
            interactive: false}).addTo(kaart);
        formulier.hidden = false;
        formbuiten.textContent = binnen ? "" : BUITEN;
        formbuiten.hidden = binnen;
        $("gebiedsplan-inbreng-formfout").textContent = "";
        tekstveld.focus();
    });
    tekstveld.addEventListener("input", telBij);
    $("gebiedsplan-inbreng-annuleer").addEventListener("click", function () {
        formulier.reset();
        telBij();
        sluit();
    });
    formulier.addEventListener("submit", function (e) {
        e.preventDefault();
        var tekst = tekstveld.value.trim();
        var fout = $("gebiedsplan-inbreng-formfout");
        if (!plek) { fout.textContent = "Klik eerst op de kaart."; return; }
        if (!tekst) { fout.textContent = "Schrijf een korte tekst."; return; }
        if (tekst.length > MAX_TEKST) {
            fout.textContent = "De tekst is langer dan " + MAX_TEKST + " tekens."; return;
        }
        var oordeel = formulier.querySelector("input[name=oordeel]:checked");
        staat.punten.push({
            lat: plek.lat, lon: plek.lng,
            categorie: $("gebiedsplan-inbreng-categorie").value,
            tekst: tekst,
            oordeel: oordeel && oordeel.value ? oordeel.value : null,
            tijd: new Date().toISOString()
        });
        bewaar();
        teken();
        formulier.reset();
        telBij();
        sluit();
    });

    // de datum van de bijeenkomst
    var datumveld = $("gebiedsplan-inbreng-datum");
    datumveld.value = staat.datum || cfg.datum;
    datumveld.addEventListener("change", function () {
        if (/^\d{4}-\d{2}-\d{2}$/.test(datumveld.value)) {
            staat.datum = datumveld.value;
            bewaar();
        }
    });

    // exporteren
    function rond(x) { return Number(Number(x).toFixed(6)); }
    function geojson() {
        return {
            type: "FeatureCollection",
            gebiedsplan: {soort: "inbreng", versie: 1, gemeentecode: cfg.gemeentecode,
                bijeenkomst: cfg.bijeenkomst, datum: staat.datum || cfg.datum},
            features: staat.punten.map(function (p) {
                return {type: "Feature",
                    geometry: {type: "Point", coordinates: [rond(p.lon), rond(p.lat)]},
                    properties: {categorie: p.categorie, tekst: p.tekst,
                        oordeel: p.oordeel || null, tijd: p.tijd}};
            })
        };
    }
    $("gebiedsplan-inbreng-export").addEventListener("click", function () {
        var blob = new Blob([JSON.stringify(geojson(), null, 1)], {type: "application/geo+json"});
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        var naam = (cfg.bijeenkomst || "inbreng").toLowerCase()
            .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
        a.download = "inbreng-" + cfg.gemeentecode + "-" + naam + "-" + (staat.datum || cfg.datum)
            + ".geojson";
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
        var buiten = staat.punten.filter(function (p) { return !binnenGemeente(p.lat, p.lon); });
        $("gebiedsplan-inbreng-melding").textContent = staat.punten.length + " punten geëxporteerd."
            + (buiten.length ? " Let op: " + buiten.length + " buiten de gemeente; "
                + "gebiedsplan importeer --inbreng weigert het bestand tot ze verplaatst of "
                + "verwijderd zijn." : "");
    });

    // CSV van papieren formulieren: categorie;tekst;oordeel;lat;lon
    function splits(regel, sep) {
        var velden = [], veld = "", quote = false;
        for (var i = 0; i < regel.length; i++) {
            var c = regel[i];
            if (quote) {
                if (c === '"' && regel[i + 1] === '"') { veld += '"'; i++; }
                else if (c === '"') { quote = false; }
                else { veld += c; }
            } else if (c === '"' && veld === "") { quote = true; }
            else if (c === sep) { velden.push(veld); veld = ""; }
            else { veld += c; }
        }
        velden.push(veld);
        return velden;
    }
    function getal(t) {
        var s = String(t || "").trim().replace(",", ".");
        return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    }
    function leesCsv(inhoud, bestand) {
        var fouten = [], nieuw = [];
        var regels = inhoud.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
        var kop = regels[0] || "";
        var sep = (kop.split(";").length >= kop.split(",").length) ? ";" : ",";
        var namen = splits(kop, sep).map(function (k) { return k.trim().toLowerCase(); });
        var nodig = ["categorie", "tekst", "oordeel", "lat", "lon"];
        var mist = nodig.filter(function (k) { return namen.indexOf(k) < 0; });
        if (mist.length) {
            fouten.push(bestand + ": de kopregel mist " + mist.join(", ")
                + "; verwacht: categorie;tekst;oordeel;lat;lon");
            return {fouten: fouten, nieuw: nieuw};
        }
        var b = cfg.grenzen;
        for (var r = 1; r < regels.length; r++) {
            if (!regels[r].trim()) { continue; }
            var v = splits(regels[r], sep), rij = {};
            namen.forEach(function (k, j) { rij[k] = (v[j] || "").trim(); });
            var waar = bestand + ", regel " + (r + 1) + ": ";
            var cat = perLabel[rij.categorie.toLowerCase()];
            var oordeel = rij.oordeel.toLowerCase();
            var lat = getal(rij.lat), lon = getal(rij.lon);
            var fout = null;
            if (!cat) {
                fout = "categorie '" + rij.categorie + "' onbekend; gebruik een code of naam uit de lijst of 'anders'";
            } else if (!rij.tekst) {
                fout = "tekst is leeg";
            } else if (rij.tekst.length > MAX_TEKST) {
                fout = "tekst is langer dan " + MAX_TEKST + " tekens";
            } else if (oordeel && OORDELEN.indexOf(oordeel) < 0) {
                fout = "oordeel '" + rij.oordeel + "': kies mist, goed, knelpunt of laat leeg";
            } else if (isNaN(lat) || isNaN(lon)) {
                fout = "lat/lon '" + rij.lat + "', '" + rij.lon + "' zijn geen getallen (bv. 51.98 en 5.91)";
            } else if (lat < b[0][0] - 0.05 || lat > b[1][0] + 0.05 || lon < b[0][1] - 0.05
                       || lon > b[1][1] + 0.05) {
                fout = "punt " + lat + ", " + lon + " ligt niet bij de gemeente (lat en lon omgewisseld?)";
            }
            if (fout) { fouten.push(waar + fout); continue; }
            nieuw.push({lat: lat, lon: lon, categorie: cat, tekst: rij.tekst,
                oordeel: oordeel || null, tijd: new Date().toISOString()});
        }
        return {fouten: fouten, nieuw: nieuw};
    }
    var csvveld = $("gebiedsplan-inbreng-csv");
    $("gebiedsplan-inbreng-csvknop").addEventListener("click", function () { csvveld.click(); });
    csvveld.addEventListener("change", function () {
        var bestand = csvveld.files && csvveld.files[0];
        if (!bestand) { return; }
        var lezer = new FileReader();
        lezer.onload = function () {
            var uit = leesCsv(String(lezer.result), bestand.name);
            uit.nieuw.forEach(function (p) { staat.punten.push(p); });
            bewaar();
            teken();
            var buiten = uit.nieuw.filter(function (p) { return !binnenGemeente(p.lat, p.lon); });
            var lijst = $("gebiedsplan-inbreng-fouten");
            lijst.replaceChildren();
            uit.fouten.forEach(function (f) {
                var li = document.createElement("li");
                li.textContent = f;
                lijst.appendChild(li);
            });
            $("gebiedsplan-inbreng-melding").textContent = bestand.name + ": " + uit.nieuw.length
                + " punten ingelezen, " + uit.fouten.length + " regels overgeslagen."
                + (buiten.length ? " " + buiten.length + " ingelezen "
                    + (buiten.length === 1 ? "speld ligt" : "spelden liggen")
                    + " buiten de gemeente (zie de lijst)." : "");
            csvveld.value = "";
        };
        lezer.readAsText(bestand, "utf-8");
    });

    // het paneel onder de lagenkeuze (eerst geplaatst, zodat het beeld het vrijlaat)
    var paneel = $("gebiedsplan-inbreng");
    if (paneel && paneel.parentNode) { paneel.parentNode.appendChild(paneel); }
    telBij();
    teken();
};
