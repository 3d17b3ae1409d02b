"""Municipal registers (CSV and Excel) read into catalogue layers through a column mapping.

A gemeente keeps its IAB accommodations, welzijn subsidies and wijkteam locations in
spreadsheets, each with its own column names and words. A *koppeling* (a small YAML file,
e.g. ``wijken/registers/arnhem_accommodaties.yml``) says how one register fills one
catalogue layer::

    laag: accommodaties              # catalogue layer with Point geometry
    prefix: acc-arnhem               # ids '<prefix>:<row number>' without id column, else
                                     # '<prefix>:<id>'
    blad: Accommodaties              # Excel sheet (optional; default the first)
    kolommen:                        # catalogue column: register column
      naam: Naam locatie
      functies: Functies
      bvo_m2: BVO (m2)
      status: Status
    waarden:                         # register word -> catalogue value, per column
      status: {In gebruik: in_gebruik, Leeg: leegstand}
    lijst:                           # columns holding several values, and their separator
      functies: ","
    vast:                            # the same value on every row
      eigenaar: gemeente
    getallen:                        # how the register writes numbers (optional, see below)
      decimaal: ","                  # "," or "."
      duizendtal: "."                # ".", ",", " " or geen
    locatie:                         # x/y columns ...
      x: X
      y: Y
      crs: auto                      # EPSG:28992, EPSG:4326 or auto (decided from the values)
    # ... or address columns, geocoded with PDOK Locatieserver:
    # locatie: {straat: Straat, huisnummer: Huisnr, postcode: Postcode, plaats: Plaats}
    # (street and number in one column: locatie: {adres: Adres, postcode: Postcode})
    herkomst:                        # provenance (optional; see read_register for defaults)
      bron: Register accommodaties gemeente Arnhem 2025
      datum: "2025-03-01"              # when the register was exported (default: file date)
      peildatum: "2025-01-01"          # the moment the register describes
      licentie: intern gebruik gemeente Arnhem
      synthetisch: false             # true for made-up example registers

Numbers in text cells are read by :mod:`gebiedsplan._getallen`. With ``getallen:`` every
value is read in that notation (also as a name: ``nl`` = decimal comma and thousands dot,
``komma``, ``punt``, ``internationaal`` = decimal point and thousands comma). Without it (the
default) a value is read the one way it can be read (``12,5``, ``1.250,5``, ``0.72``,
``191764``) and a value two notations read differently (``1.250``: 1250 or 1,25; ``12,345``)
is refused with its row and the fix: write it without thousands separator, or declare
``getallen:``. Numeric Excel cells are numbers already.

Addresses are geocoded in one batch (:func:`gebiedsplan.bronnen.locatieserver.zoek_adressen`:
every distinct address asked once, cached answers read from disk).

National registers (DUO schools, LRK child care) are read with the same koppeling machinery
by :mod:`~gebiedsplan.bronnen.register.landelijk`: the national file filtered to the gemeente
and its neighbours, addresses that cannot be placed skipped and reported per row
(:class:`~gebiedsplan.bronnen.register.landelijk.NietGeplaatst`) instead of refusing the file.

Row numbers in every message are the ones people see in Excel: the header is row 1, the first
register row is row 2. Every problem of a register is collected first (missing columns, empty
or non-numeric values, unknown words, coordinates in the wrong system or swapped, addresses the
Locatieserver cannot find, rows outside the gemeente) and raised at once as one
:class:`SchemaError`; nothing is returned half.

The modules: :mod:`~gebiedsplan.bronnen.register.koppeling` (the mapping, checked with its
lines), :mod:`~gebiedsplan.bronnen.register.tabel` (the spreadsheet read, its cells as
catalogue values, the problems found), :mod:`~gebiedsplan.bronnen.register.locaties`
(coordinates and addresses) and :mod:`~gebiedsplan.bronnen.register.lezen` (the register
into a layer: :func:`read_register`).
"""

from __future__ import annotations

from gebiedsplan.bronnen.register.koppeling import CRS_KEUZES, Koppeling, load_koppeling
from gebiedsplan.bronnen.register.lezen import read_register

__all__ = ["CRS_KEUZES", "Koppeling", "load_koppeling", "read_register"]
