"""tree.files_under: the listing os.walk gives, in one scandir per folder."""

import os

from generator.tree import files_under


def _walked(root, skipped=()):
    out = []
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in skipped]
        out += [n if rel == "." else f"{rel}/{n}".replace(os.sep, "/") for n in files]
    return sorted(out)


def _tree(tmp_path):
    for rel in ("index.html", "a/index.html", "a/b/c/index.html", "a/b/data.json", "pagefind/x.pf",
                "deep/pagefind/index.html", "z/页面/索引.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    return tmp_path


def test_lists_every_file_sorted_as_os_walk_does(tmp_path):
    root = _tree(tmp_path)
    assert files_under(root) == _walked(root) == sorted(files_under(root))
    assert "z/页面/索引.html" in files_under(root) and "empty" not in files_under(root)


def test_skips_only_top_level_folders_of_the_given_names(tmp_path):
    root = _tree(tmp_path)
    got = files_under(root, frozenset({"pagefind"}))
    assert got == _walked(root, {"pagefind"})
    assert "pagefind/x.pf" not in got and "deep/pagefind/index.html" in got


def test_a_link_to_a_folder_is_neither_followed_nor_listed_a_link_to_a_file_is(tmp_path):
    root = _tree(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x", encoding="utf-8")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "file-link").symlink_to(outside / "secret.txt")
    got = files_under(root)
    assert got == _walked(root)
    assert "file-link" in got and not any(p.startswith("linked") for p in got)


def test_read_bytes_reads_whole_files_of_any_size(tmp_path):
    from generator.tree import read_bytes

    for size in (0, 1, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 7):  # around read()'s 1 MiB chunks
        data = bytes(i % 251 for i in range(size))
        (tmp_path / "f").write_bytes(data)
        assert read_bytes(str(tmp_path / "f")) == data


def test_write_bytes_writes_whole_files_and_replaces_a_longer_one(tmp_path):
    from generator.tree import read_bytes, write_bytes

    path = str(tmp_path / "f")
    for size in (3 * (1 << 20) + 7, 1, 0, 4096):  # a shorter file after a longer one: nothing left of it
        data = bytes(i % 251 for i in range(size))
        write_bytes(path, data)
        assert read_bytes(path) == data
