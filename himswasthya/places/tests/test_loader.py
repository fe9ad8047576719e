"""load_places: counts from the source files, idempotency, Hindi names, and the anomaly report."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F

from himswasthya.core.importfiles import ImportFileError
from himswasthya.places import loader
from himswasthya.places.models import Block, District, GramPanchayat, State, Tehsil, UrbanLocalBody

DATA = loader.DATA_DIR


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def sound_gp_rows() -> list[dict[str, str]]:
    return [
        r
        for r in rows(loader.GPS_CSV)
        if r["district_lgd_code"].strip() and r["panchayat_name"].strip().lower() not in ("", "null")
    ]


def test_it_reads_only_the_in_project_copies():
    assert DATA.resolve().is_relative_to(Path(loader.__file__).resolve().parent)
    for name in (
        loader.DISTRICTS_CSV,
        loader.BLOCKS_CSV,
        loader.TEHSILS_CSV,
        loader.ULBS_CSV,
        loader.GPS_CSV,
    ):
        assert (DATA / name).is_file()
    assert (DATA / "PROVENANCE.md").is_file()
    assert (DATA / "boundaries" / "hp_districts.geojson").is_file()


def test_it_loads_as_many_places_as_the_source_files_hold(hp_places):
    assert State.objects.get().lgd_code == 2
    assert District.objects.count() == len(rows(loader.DISTRICTS_CSV)) == 12
    assert Block.objects.count() == len(rows(loader.BLOCKS_CSV)) == 87
    assert Tehsil.objects.count() == len(rows(loader.TEHSILS_CSV)) == 177
    assert UrbanLocalBody.objects.count() == len(rows(loader.ULBS_CSV)) == 68
    assert GramPanchayat.objects.count() == len(sound_gp_rows())
    assert hp_places.level("gram_panchayats").loaded == GramPanchayat.objects.count()
    assert not GramPanchayat.objects.filter(lgd_code__isnull=False).exists()
    assert set(GramPanchayat.objects.values_list("source", flat=True)) == {"HPSDMA"}


def test_blocks_per_district_match_the_lgd_extract(hp_places):
    expected = Counter(r["district_lgd_code"] for r in rows(loader.BLOCKS_CSV))
    for district in District.objects.all():
        assert district.blocks.count() == expected[str(district.lgd_code)]


def test_it_maps_ulb_types_to_kinds(hp_places):
    kinds = Counter(UrbanLocalBody.objects.values_list("kind", flat=True))
    source = Counter(r["ulb_type_name"] for r in rows(loader.ULBS_CSV))
    assert kinds["MC"] == source["Municipal Corporation"]
    assert kinds["COUNCIL"] == source["Municipal Council"] + source["Municipality"]
    assert kinds["NP"] == source["Town Panchayat"]


def test_names_are_trimmed_and_title_cased_with_the_source_spelling_kept(hp_places):
    block = Block.objects.get(lgd_code=135)
    assert (block.name, block.source_name) == ("Bilaspur Sadar", "BILASPUR SADAR")
    assert District.objects.get(lgd_code=21).name == "Lahul and Spiti"
    tadoun = GramPanchayat.objects.get(source_id="101")
    assert tadoun.name == "Tadoun"
    assert not GramPanchayat.objects.filter(name__regex=r"^\s|\s$").exists()


def test_districts_have_hand_written_hindi_names(hp_places):
    kangra = District.objects.get(lgd_code=18)
    assert (kangra.name_hi, kangra.name_hi_machine) == ("कांगड़ा", False)
    assert District.objects.get(lgd_code=21).name_hi == "लाहौल और स्पीति"
    assert not District.objects.filter(name_hi_machine=True).exists()
    assert State.objects.get().name_hi == "हिमाचल प्रदेश"


def test_other_places_get_a_machine_transliteration_flagged_as_such(hp_places):
    gp = GramPanchayat.objects.get(source_id="100")  # Seu
    assert gp.name_hi and gp.name_hi_machine
    assert all("\u0900" <= c <= "\u097f" or not c.isalpha() for c in gp.name_hi)
    assert not Block.objects.filter(name_hi="").exists()
    assert not GramPanchayat.objects.filter(name_hi="").exists()


def test_a_second_run_changes_nothing(hp_places):
    before = list(GramPanchayat.objects.order_by("pk").values())
    again = loader.load_places()
    assert again.changed == 0
    assert all(c.created == c.updated == 0 for c in again.levels.values())
    assert list(GramPanchayat.objects.order_by("pk").values()) == before
    assert again.anomaly_counts() == hp_places.anomaly_counts()


def test_a_rerun_keeps_a_hindi_name_a_person_corrected(hp_places):
    gp = GramPanchayat.objects.get(source_id="100")
    gp.name_hi, gp.name_hi_machine = "सेऊ", False
    gp.save()
    Block.objects.filter(lgd_code=7496).update(
        name_hi="बड़ोह", name_hi_machine=False
    )  # Badoh: not in the table
    loader.load_places()
    gp.refresh_from_db()
    assert (gp.name_hi, gp.name_hi_machine) == ("सेऊ", False)
    assert Block.objects.get(lgd_code=7496).name_hi == "बड़ोह"


def test_the_reviewed_table_wins_over_a_correction_and_a_rerun_then_changes_nothing(hp_places):
    District.objects.filter(lgd_code=15).update(name_hi="बिलासपुर (सुधारा)", name_hi_machine=False)
    Block.objects.filter(lgd_code=193).update(name_hi="थेओग", name_hi_machine=True)
    result = loader.load_places()
    assert (result.level("districts").updated, result.level("blocks").updated) == (1, 1)
    assert District.objects.get(lgd_code=15).name_hi == "बिलासपुर"
    assert Block.objects.values_list("name_hi", "name_hi_machine").get(lgd_code=193) == ("ठियोग", False)
    assert loader.load_places().changed == 0


def test_blocks_tehsils_and_towns_take_the_reviewed_hindi_names(hp_places):
    reviewed = {
        185: "बसंतपुर",
        7492: "कोटखाई",
        191: "रामपुर",
        192: "रोहड़ू",
        193: "ठियोग",
        190: "नारकंडा",
        135: "बिलासपुर सदर",
        160: "नूरपुर",
        178: "धर्मपुर",
        158: "नगरोटा बगवां",
        209: "ऊना",
    }
    assert dict(Block.objects.filter(lgd_code__in=reviewed).values_list("lgd_code", "name_hi")) == reviewed
    assert set(Block.objects.filter(name_hi_machine=True).values_list("name", flat=True)) == {
        "Badoh",
        "Chauhara",
        "Tilordhar",
    }
    assert Tehsil.objects.get(lgd_code=184).name_hi == "ठियोग"
    assert UrbanLocalBody.objects.values_list("name_hi", "name_hi_machine").get(name="Shimla") == (
        "शिमला",
        False,
    )
    # one place, one spelling: a district and the block, tehsil or town of the same name agree
    for district in District.objects.all():
        for model in (Block, Tehsil, UrbanLocalBody):
            for hi in model.objects.filter(name=district.name).values_list("name_hi", flat=True):
                assert hi == district.name_hi


def test_other_names_reuse_the_reviewed_names_and_words_but_stay_machine_made(hp_places):
    bara_gaon = GramPanchayat.objects.get(source_id="2387")
    assert (bara_gaon.name_hi, bara_gaon.name_hi_machine) == ("बड़ा गांव", True)
    assert GramPanchayat.objects.get(source_id="1848").name_hi == "बेरी अपर"
    rampur = GramPanchayat.objects.filter(name="Rampur").first()
    assert (rampur.name_hi, rampur.name_hi_machine) == ("रामपुर", True)


@pytest.mark.django_db
def test_staff_can_add_a_panchayat_and_wrong_rows_are_reported_not_applied(tmp_path):
    data = copy_data(tmp_path)
    with (data / loader.HINDI_NAMES_CSV).open("a", encoding="utf-8") as fh:
        fh.write("gram_panchayat,100,Seu,सेऊ,checked by the BDO\n")
        fh.write("block,193,Theog,थियोग,a second row\n")
        fh.write("block,186,Chopal,चौपाल,the name of another place\n")
        fh.write("block,99999,Nowhere,कहीं नहीं,no such block\n")
        fh.write("tehsil,6957,Jangla,Jangla,not Devanagari\n")
    result = loader.load_places(data)
    assert GramPanchayat.objects.values_list("name_hi", "name_hi_machine").get(source_id="100") == (
        "सेऊ",
        False,
    )
    assert Block.objects.get(lgd_code=193).name_hi == "ठियोग"  # the first row for 193 stands
    kinds = {(a.kind, a.source_id) for a in result.anomalies if a.file == loader.HINDI_NAMES_CSV}
    assert kinds == {
        (loader.HINDI_BAD_ROW, "193"),
        (loader.HINDI_OTHER_PLACE, "186"),
        (loader.HINDI_UNKNOWN_PLACE, "99999"),
        (loader.HINDI_BAD_ROW, "6957"),
    }
    assert Block.objects.get(lgd_code=186).name_hi_machine  # Chauhara: the row for "Chopal" was not applied


def test_a_rerun_refreshes_a_machine_hindi_name(hp_places):
    GramPanchayat.objects.filter(source_id="100").update(name_hi="गलत")
    result = loader.load_places()
    assert result.level("gram_panchayats").updated == 1
    assert GramPanchayat.objects.get(source_id="100").name_hi != "गलत"


def test_the_report_lists_the_known_defects_of_the_source(hp_places):
    source = rows(loader.GPS_CSV)
    counts = hp_places.anomaly_counts()
    mismatched = [r for r in source if r["block_district_mismatch"] == "Y"]
    no_block = [r for r in source if not r["block_lgd_code_matched_by_name"]]
    assert counts[loader.GP_BLOCK_OTHER_DISTRICT] == len(mismatched) == 41
    assert counts[loader.GP_NO_BLOCK] == len(no_block) == 50
    assert counts[loader.GP_NO_DISTRICT] == 1
    no_block_ids = {a.source_id for a in hp_places.anomalies if a.kind == loader.GP_NO_BLOCK}
    assert {r["hpsdma_panchayat_id"] for r in no_block} == no_block_ids
    bhunter = [r for r in no_block if r["hpsdma_block_name"] == "Bhunter"]
    assert len(bhunter) == 49


def test_duplicate_names_are_reported_per_district(hp_places):
    def clean(name: str) -> str:
        return " ".join("".join(c for c in name if unicodedata.category(c) != "Co").split()).casefold()

    raw_groups, clean_groups = defaultdict(list), defaultdict(list)
    for r in sound_gp_rows():
        raw_groups[(r["district_lgd_code"], r["panchayat_name"].strip().casefold())].append(r)
        clean_groups[(r["district_lgd_code"], clean(r["panchayat_name"]))].append(r)
    raw_dupes = [g for g in raw_groups.values() if len(g) > 1]
    assert len(raw_dupes) == 145  # the README's figure
    reported = {a.source_id for a in hp_places.anomalies if a.kind == loader.DUPLICATE_NAME}
    assert {r["hpsdma_panchayat_id"] for g in raw_dupes for r in g} <= reported
    assert len(reported) == sum(len(g) for g in clean_groups.values() if len(g) > 1)


def test_cross_district_and_blockless_panchayats_load_without_a_block(hp_places):
    mismatched = [r for r in rows(loader.GPS_CSV) if r["block_district_mismatch"] == "Y"]
    for r in mismatched:
        gp = GramPanchayat.objects.get(source_id=r["hpsdma_panchayat_id"])
        assert gp.block is None
        assert gp.district.lgd_code == int(r["district_lgd_code"])
    assert GramPanchayat.objects.filter(block__isnull=True).count() == 41 + 49
    assert not GramPanchayat.objects.filter(source_id="3424").exists()  # no district: skipped
    # Every GP with a block is filed in its own district.
    assert (
        not GramPanchayat.objects.exclude(block__isnull=True).exclude(block__district=F("district")).exists()
    )


def test_every_anomaly_names_file_row_id_and_detail(hp_places):
    for a in hp_places.anomalies:
        assert a.kind and a.file and a.row >= 2 and a.source_id and a.detail


@pytest.mark.django_db
def test_the_command_prints_a_summary_and_writes_the_report(tmp_path, capsys):
    report = tmp_path / "anomalies.csv"
    call_command("load_places", "--report", str(report))
    out = capsys.readouterr().out
    assert "gp_block_in_other_district" in out and "41" in out
    with report.open(encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert Counter(r["kind"] for r in lines)[loader.GP_NO_BLOCK] == 50
    assert {"kind", "file", "row", "source_id", "name", "detail"} <= set(lines[0])


def test_display_name_title_cases_only_single_case_names():
    assert loader.display_name("  BILASPUR SADAR ") == "Bilaspur Sadar"
    assert loader.display_name("LAHUL AND SPITI") == "Lahul and Spiti"
    assert loader.display_name("N/Bagwan") == "N/Bagwan"
    assert loader.display_name("Tadoun \uf02a") == "Tadoun"


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for f in DATA.glob("*.csv"):
        (target / f.name).write_bytes(f.read_bytes())
    return target


@pytest.mark.django_db
def test_a_devanagari_local_name_from_the_source_is_used_as_checked(tmp_path):
    data = copy_data(tmp_path)
    ulbs = (data / loader.ULBS_CSV).read_text(encoding="utf-8")
    (data / loader.ULBS_CSV).write_text(
        ulbs.replace("297009,2,Amb,Amb,", "297009,2,Amb,अम्ब,"), encoding="utf-8"
    )
    loader.load_places(data)
    amb = UrbanLocalBody.objects.get(lgd_code=297009)
    assert (amb.name_hi, amb.name_hi_machine) == ("अम्ब", False)
    assert UrbanLocalBody.objects.get(lgd_code=277313).name_hi_machine  # Khasyol: not in the table, machine


@pytest.mark.django_db
def test_rows_of_an_unknown_district_are_reported_and_skipped(tmp_path):
    data = copy_data(tmp_path)
    with (data / loader.BLOCKS_CSV).open("a", encoding="utf-8") as fh:
        fh.write("99999,1,NOWHERE,77,NOWHERE\n")
    result = loader.load_places(data)
    [anomaly] = [a for a in result.anomalies if a.kind == loader.UNKNOWN_DISTRICT]
    assert (anomaly.source_id, anomaly.row) == ("99999", 89)
    assert not Block.objects.filter(lgd_code=99999).exists()


@pytest.mark.django_db
def test_a_failure_part_way_leaves_nothing_behind(tmp_path):
    data = copy_data(tmp_path)
    (data / loader.GPS_CSV).unlink()
    with pytest.raises(ImportFileError, match="cannot be read"):  # names the file, not a traceback
        loader.load_places(data)
    assert not District.objects.exists() and not Block.objects.exists()
