#!/usr/bin/env python3
"""Writes the input report of every golden case (tests/golden/<case>/report.json).

The inputs are observations only, built here from a few lines each so that
every verdict class has a case whose cause is plain to read. Shapes follow
what the back ends record (compare tests/fixtures/reports/ and a live
`odxprobe --json`). Each is then passed once through `odxprobe analyze
--json` and saved without its analysis section, so the committed input is
exactly the report format the writer produces (derived names included).
After changing a case: run this script, then `run-golden.py --regen`, and
read the diff of the expected files.

Usage: make-cases.py ODXPROBE [GOLDEN_DIR]
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

ERRNO = {"OK": 0, "EXDEV": 18, "EINVAL": 22, "EOPNOTSUPP": 95, "ENOSPC": 28}


def code(kind, value):
    return {"kind": kind, "value": value}


def win32(v):
    return code("win32", v)


def errno(name):
    return code("errno", ERRNO[name])


def setting(value=None, state=None, error=None):
    if state is None:
        state = "absent" if value is None else "present"
    return {"state": state, "value": value if state == "present" else None,
            "error": error if state == "error" else None}


def host_windows(elevated="yes"):
    return {"name": "FILESRV-01", "os_name": "Windows Server 2022 Datacenter",
            "os_version": "10.0", "os_build": "20348.2227", "arch": "x86_64",
            "elevated": elevated, "probe_time": "2026-11-24T09:15:02Z", "tool_version": "0.1.0"}


def host_linux():
    return {"name": "build-01", "os_name": "Debian GNU/Linux 12 (bookworm)",
            "os_version": "6.1.0-18-amd64", "os_build": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1",
            "arch": "x86_64", "elevated": "yes", "probe_time": "2026-11-24T10:00:00Z",
            "tool_version": "0.1.0"}


def run(static=False, cross=False, volumes=(), paths=(), size=1048576):
    return {"static": static, "cross": cross, "interrupted": False, "trial_size": size,
            "volumes": list(volumes), "paths": list(paths)}


# Filters: (name, altitude, declared SupportedFeatures, vendor)
MICROSOFT = [
    ("bindflt", "409800", 0xF, "Microsoft Corporation"),
    ("WdFilter", "328010", 0xF, "Microsoft Corporation"),
    ("storqosflt", "244000", 0xF, "Microsoft Corporation"),
    ("wcifs", "189900", 0xF, "Microsoft Corporation"),
    ("FileInfo", "40500", 0xF, "Microsoft Corporation"),
    ("Wof", "40700", 0xF, "Microsoft Corporation"),
]


def filt(name, altitude, declared, vendor, kind="minifilter", params=None, instances=1):
    return {"name": name, "altitude": altitude, "kind": kind,
            "frame": 0 if kind == "minifilter" else None,
            "instance_count": instances if kind == "minifilter" else None,
            "declared": setting(declared), "declared_parameters": setting(params),
            "image_path": f"\\SystemRoot\\System32\\drivers\\{name}.sys", "vendor": vendor,
            "product": None, "version": None, "loaded_unknown": False}


def inst(name, altitude, features, kind="minifilter"):
    return {"filter": name, "name": f"{name} Instance", "altitude": altitude, "kind": kind,
            "frame": 0 if kind == "minifilter" else None, "supported_features": features,
            "detached": False, "role": None, "fs_type": None, "path": None}


DESCRIPTOR = {"version": 48, "size": 48, "max_token_lifetime_s": 3600,
              "default_token_lifetime_s": 60, "max_transfer_size": "268435456",
              "optimal_transfer_count": "67108864", "max_data_descriptors": 64,
              "max_transfer_length_per_descriptor": 131072,
              "optimal_transfer_length_per_descriptor": 131072,
              "optimal_transfer_length_granularity": 8}


def storage(desc=True, error=None, on="\\\\.\\PhysicalDrive1"):
    if error is not None:
        return {"state": "error", "queried_on": on, "descriptor": None, "error": error}
    if desc:
        return {"state": "descriptor", "queried_on": on, "descriptor": dict(DESCRIPTOR),
                "error": None}
    return {"state": "not_queried", "queried_on": None, "descriptor": None, "error": None}


def volume(index, dos, n, instances, fs="NTFS", fstype=2, eligible=True, skip=None,
           store=None, removable="no", remote="no", listed="yes", selected=True):
    return {"index": index, "nt_name": f"\\Device\\HarddiskVolume{n}",
            "guid_path": f"\\\\?\\Volume{{6f1c0a5e-0000-0000-0000-00000000000{n}}}\\",
            "dos_names": [dos] if dos else [], "mount_points": [dos + "\\"] if dos else [],
            "file_system": fs, "flt_fs_type": fstype, "sector_size": 512, "detached": False,
            "remote": remote, "removable": removable, "read_only": "no",
            "storage": store if store is not None else storage(),
            "instances_listed": listed, "instances": instances if listed == "yes" else [],
            "eligible": eligible, "skip_reason": skip, "selected": selected,
            "mount_id": None, "parent_id": None, "root": None, "options": None}


def mup_volume(index, instances):
    v = volume(index, None, 0, instances, fs="MUP (remote)", fstype=13, eligible=False,
               skip="remote file system: trial it with --path \\\\server\\share",
               store=storage(desc=False), remote="yes")
    v["nt_name"] = "\\Device\\Mup"
    v["guid_path"] = None
    return v


WIN_STAGES = [("create", "CreateFileW"), ("write", "WriteFile"), ("flush", "FlushFileBuffers"),
              ("set_size", "SetEndOfFile"), ("offload_read", "DeviceIoControl(FSCTL_OFFLOAD_READ)"),
              ("offload_write", "DeviceIoControl(FSCTL_OFFLOAD_WRITE)"), ("verify", "ReadFile"),
              ("cleanup", "RemoveDirectoryW")]


def stage(name, api, c, size, moved=True, flags=None):
    data = name not in ("create", "cleanup")
    return {"stage": name, "attempted": True, "code": c, "api": api,
            "bytes_requested": size if data else 0,
            "bytes_transferred": size if data and moved else 0,
            "flags": flags, "calls": 1, "elapsed_us": 100}


def win_trial(index, vol, fail_at=None, fail_code=None, scope="volume", dest=None, path=None,
              directory="C:\\odxprobe-5f3c2a\\", remote="no", size=1048576):
    """Every stage succeeds up to fail_at, which fails with fail_code; cleanup always runs."""
    stages = []
    for name, api in WIN_STAGES:
        if name == "cleanup":
            stages.append(stage(name, api, win32(0), size))
            break
        if name == fail_at:
            stages.append(stage(name, api, fail_code, size, moved=False))
            if name == "verify":  # the copy happened, the bytes differ
                stages[-1]["bytes_transferred"] = size
            continue
        if fail_at is not None and [n for n, _ in WIN_STAGES].index(name) > \
                [n for n, _ in WIN_STAGES].index(fail_at):
            continue
        stages.append(stage(name, api, win32(0), size,
                            flags=0 if name == "offload_read" else None))
    return {"index": index, "scope": scope, "method": "offload", "volume": vol,
            "dest_volume": dest, "path": path, "directory": directory, "remote": remote,
            "size": size, "stages": stages, "zero_token": False, "extents_shared": "unknown"}


def report(obs):
    return {"schema": "odxprobe-report", "schema_version": 1,
            "generator": {"tool": "odxprobe", "version": "0.1.0"}, "observations": obs}


def windows(filters, volumes, trials, mode=None, errors=(), elevated="yes", run_=None,
            listed="yes"):
    return report({"platform": "windows", "backend": "windows", "host": host_windows(elevated),
                   "run": run_ or run(), "filter_supported_features_mode": setting(mode),
                   "filters_listed": listed, "filters": filters, "volumes": volumes,
                   "trials": trials, "errors": list(errors), "excluded": []})


def ms_filters():
    return [filt(*f) for f in MICROSOFT]


def ms_instances(features=0xF):
    return [inst(n, a, features) for n, a, _, _ in MICROSOFT]


def acme(declared=0x1, runtime=0x1, params=None):
    """A third-party antivirus filter that has not opted in to offload writes."""
    return (filt("AcmeShield", "328123", declared, "Acme Security Ltd", params=params),
            inst("AcmeShield", "328123", runtime))


def by_altitude(instances):
    return sorted(instances, key=lambda i: -float(i["altitude"] or 0))


def windows_server(case):
    """C: and E: on NTFS, a SAN volume; AcmeShield blocks offload writes on E:."""
    f, i = acme()
    c = volume(0, "C:", 2, ms_instances())
    e = volume(1, "E:", 3, by_altitude(ms_instances() + [i]))
    return windows(ms_filters() + [f], [c, e],
                   [win_trial(0, 0, directory="C:\\odxprobe-5f3c2a\\"),
                    win_trial(1, 1, "offload_write", win32(4441), directory="E:\\odxprobe-9b01d4\\")])


CASES = {}


def case(fn):
    CASES[fn.__name__.replace("_", "-")] = fn
    return fn


@case
def win_filter_blocks_write():
    return windows_server("")


@case
def win_example_server():
    """The bundled example (docs/examples/windows-server.json): a file server whose
    third-party antivirus filter has not opted in to offload writes."""
    inbox = [("bindflt", "409800", 0xF), ("WdFilter", "328010", 0xF), ("storqosflt", "244000", 0xF),
             ("wcifs", "189900", 0xF), ("CldFlt", "180451", 0xF), ("FileCrypt", "141100", 0xF),
             ("luafv", "135000", 0xF), ("npsvctrig", "46000", 0x8), ("Wof", "40700", 0xF),
             ("FileInfo", "40500", 0xF)]
    filters = [filt(n, a, f, "Microsoft Corporation", instances=3) for n, a, f in inbox]
    filters.append(filt("AcmeShield", "328123", 0x1, "Acme Security Ltd", instances=3))
    filters[-1]["image_path"] = "\\SystemRoot\\System32\\drivers\\acmeshld.sys"
    filters[-1]["product"] = "Acme Shield Endpoint Protection"
    filters[-1]["version"] = "11.4.2.1187"
    for f in filters[:-1]:
        f["product"] = "Microsoft\u00ae Windows\u00ae Operating System"
        f["version"] = "10.0.20348.2227"
    disk = [inst(n, a, f) for n, a, f in inbox if n != "npsvctrig"] + \
        [inst("AcmeShield", "328123", 0x1)]
    c = volume(0, "C:", 2, by_altitude(disk), store=storage(error=win32(50), on="\\\\.\\C:"))
    e = volume(1, "E:", 3, by_altitude(disk))
    e["mount_points"].append("C:\\ClusterStorage\\Projects\\")
    mup = mup_volume(2, by_altitude([inst("WdFilter", "328010", 0xF),
                                     inst("AcmeShield", "328123", 0x1)]))
    pipe = volume(3, None, 0, [inst("npsvctrig", "46000", 0x8)], fs="NamedPipe", fstype=25,
                  eligible=False, skip="named pipes hold no files", store=storage(desc=False),
                  selected=False)
    pipe["nt_name"] = "\\Device\\NamedPipe"
    pipe["guid_path"] = None
    trials = [win_trial(0, 0, "offload_read", win32(50), directory="C:\\odxprobe-5f3c2a\\"),
              win_trial(1, 1, "offload_write", win32(4441), directory="E:\\odxprobe-9b01d4\\")]
    return windows(filters, [c, e, mup, pipe], trials)


@case
def win_all_work():
    return windows(ms_filters(), [volume(0, "C:", 2, ms_instances()),
                                  volume(1, "E:", 3, ms_instances())],
                   [win_trial(0, 0), win_trial(1, 1, directory="E:\\odxprobe-9b01d4\\")])


@case
def win_policy_disables():
    return windows(ms_filters(), [volume(0, "C:", 2, ms_instances())],
                   [win_trial(0, 0, "offload_read", win32(4440))], mode=1)


@case
def win_vetoed_in_code():
    f, i = acme(declared=0x3, runtime=0x3)
    return windows(ms_filters() + [f], [volume(0, "E:", 3, by_altitude(ms_instances() + [i]))],
                   [win_trial(0, 0, "offload_write", win32(4441), directory="E:\\odxprobe-9b01d4\\")])


@case
def win_file_refused():
    return windows(ms_filters(), [volume(0, "D:", 4, ms_instances())],
                   [win_trial(0, 0, "offload_write", win32(4443), directory="D:\\odxprobe-77aa01\\")])


@case
def win_fat_named():
    v = volume(0, "F:", 5, ms_instances(), fs="FAT", fstype=3, eligible=False,
               skip="FAT: Windows offloads only on NTFS", removable="yes",
               store=storage(error=win32(50), on="\\\\.\\F:"))
    return windows(ms_filters(), [v], [win_trial(0, 0, "offload_read", win32(1),
                                                 directory="F:\\odxprobe-0c0c0c\\")],
                   run_=run(volumes=["F:"]))


@case
def win_storage_unsupported():
    return windows(ms_filters(), [volume(0, "E:", 3, ms_instances(), store=storage(error=win32(50)))],
                   [win_trial(0, 0, "offload_read", win32(316), directory="E:\\odxprobe-9b01d4\\")])


@case
def win_not_supported_50():
    """What Wine and many plain disks answer: ERROR_NOT_SUPPORTED, no descriptor."""
    return windows(ms_filters(), [volume(0, "C:", 2, ms_instances(), store=storage(error=win32(50)))],
                   [win_trial(0, 0, "offload_read", win32(50))])


@case
def win_cross_unreachable():
    vols = [volume(0, "E:", 3, ms_instances()), volume(1, "G:", 6, ms_instances())]
    trials = [win_trial(0, 0, directory="E:\\odxprobe-9b01d4\\"),
              win_trial(1, 1, directory="G:\\odxprobe-3c3c3c\\"),
              win_trial(2, 0, "offload_write", win32(321), scope="pair", dest=1,
                        directory="G:\\odxprobe-4d4d4d\\")]
    return windows(ms_filters(), vols, trials, run_=run(cross=True))


@case
def win_token_expired():
    return windows(ms_filters(), [volume(0, "E:", 3, ms_instances())],
                   [win_trial(0, 0, "offload_write", win32(315), directory="E:\\odxprobe-9b01d4\\")])


@case
def win_remote_share():
    vols = [volume(0, "C:", 2, ms_instances()), mup_volume(1, [inst("WdFilter", "328010", 0xF)])]
    for v in vols:  # --path alone selects no volume
        v["selected"] = False
    trial = win_trial(0, 1, "offload_write", win32(4441), scope="path",
                      path="\\\\nas01\\projects\\odx", directory="\\\\nas01\\projects\\odx\\odxprobe-1e1e1e\\",
                      remote="yes")
    return windows(ms_filters(), vols, [trial], run_=run(paths=["\\\\nas01\\projects\\odx"]))


@case
def win_copy_mismatch():
    return windows(ms_filters(), [volume(0, "E:", 3, ms_instances())],
                   [win_trial(0, 0, "verify", code("odx", 23), directory="E:\\odxprobe-9b01d4\\")])


@case
def win_static_clean():
    return windows(ms_filters(), [volume(0, "C:", 2, ms_instances())], [],
                   run_=run(static=True))


@case
def win_static_blocked():
    f, i = acme()
    return windows(ms_filters() + [f], [volume(0, "E:", 3, by_altitude(ms_instances() + [i]))],
                   [], run_=run(static=True))


@case
def win_skipped_removable():
    v = volume(1, "F:", 5, ms_instances(), fs="exFAT", fstype=22, eligible=False,
               skip="removable drive", removable="yes", store=storage(desc=False))
    return windows(ms_filters(), [volume(0, "C:", 2, ms_instances()), v], [win_trial(0, 0)])


@case
def win_disk_full():
    return windows(ms_filters(), [volume(0, "E:", 3, ms_instances())],
                   [win_trial(0, 0, "write", win32(112), directory="E:\\odxprobe-9b01d4\\")])


@case
def win_not_elevated():
    errors = [{"api": "FilterFindFirst", "target": None, "code": code("hresult", 0x80070005),
               "detail": None},
              {"api": "FilterVolumeFindFirst", "target": None,
               "code": code("hresult", 0x80070005), "detail": None}]
    f, _ = acme()
    f["loaded_unknown"] = True  # listed from the registry: Filter Manager said no
    f["frame"] = f["instance_count"] = None
    v = volume(0, "E:", 3, [], listed="no")
    return windows([f], [v], [win_trial(0, 0, "offload_write", win32(4441),
                                         directory="E:\\odxprobe-9b01d4\\")],
                   errors=errors, elevated="no", listed="no")


@case
def win_declared_vs_runtime():
    """The registry says 0x3 (both offload bits) but the running instance shows 0x1."""
    f, i = acme(declared=0x3, runtime=0x1, params=0x3)
    return windows(ms_filters() + [f], [volume(0, "E:", 3, by_altitude(ms_instances() + [i]))],
                   [win_trial(0, 0, "offload_write", win32(4441), directory="E:\\odxprobe-9b01d4\\")])


@case
def win_legacy_filter():
    legacy = filt("OldAV", "329998.99", None, "OldAV Inc", kind="legacy")
    li = inst("OldAV", "329998.99", 0x0, kind="legacy")
    li["name"] = None
    return windows(ms_filters() + [legacy],
                   [volume(0, "C:", 2, by_altitude(ms_instances() + [li]))], [win_trial(0, 0)])


# Linux: layers from the top, as the Linux back end records them.
def layer(filt_, name, role, fs_type, path):
    return {"filter": filt_, "name": name, "altitude": None, "kind": "layer", "frame": None,
            "supported_features": None, "detached": False, "role": role, "fs_type": fs_type,
            "path": path}


def mount(index, mp, fs, source, layers, mount_id, eligible=True, skip=None, options="rw,relatime"):
    return {"index": index, "nt_name": source, "guid_path": None, "dos_names": [],
            "mount_points": [mp], "file_system": fs, "flt_fs_type": None, "sector_size": None,
            "detached": False, "remote": "no", "removable": "unknown", "read_only": "no",
            "storage": storage(desc=False), "instances_listed": "yes", "instances": layers,
            "eligible": eligible, "skip_reason": skip, "selected": True, "mount_id": mount_id,
            "parent_id": 1, "root": "/", "options": options}


def loop_layers(fs, mp, dev="/dev/loop0", image="/srv/lab/build/disk.img"):
    return [layer(fs, dev, "filesystem", fs, mp), layer("loop", dev + " (loop)", "block", None, dev),
            layer(os.path.basename(image), image, "backing-file", "ext4", image)]


LIN_STAGES = {"ficlone": ("clone", "ioctl(FICLONE)"),
              "ficlonerange": ("clone_range", "ioctl(FICLONERANGE)"),
              "copy_file_range": ("copy_range", "copy_file_range")}


def lin_trial(index, vol, method, result="OK", shared="unknown", scope="volume", dest=None,
              path=None, directory="/srv/lab/mnt", size=1048576):
    st, api = LIN_STAGES[method]
    stages = [stage("create", "open(O_TMPFILE)", errno("OK"), size),
              stage("write", "pwrite", errno("OK"), size),
              stage("flush", "fsync", errno("OK"), size)]
    stages[-1]["bytes_requested"] = stages[-1]["bytes_transferred"] = 0
    ok = result == "OK"
    stages.append(stage(st, api, errno(result), size, moved=ok))
    if ok and method == "copy_file_range":
        stages.append(stage("extents", "ioctl(FS_IOC_FIEMAP)",
                            errno("OK" if shared != "unknown" else "EOPNOTSUPP"), size))
        stages[-1]["bytes_requested"] = stages[-1]["bytes_transferred"] = 0
    if ok:
        stages.append(stage("verify", "pread", errno("OK"), size))
    stages.append(stage("cleanup", "close", errno("OK"), size))
    return {"index": index, "scope": scope, "method": method, "volume": vol,
            "dest_volume": dest, "path": path, "directory": directory, "remote": "no",
            "size": size, "stages": stages, "zero_token": False,
            "extents_shared": shared if ok and method == "copy_file_range" else "unknown"}


def lin_trials(start, vol, clone="OK", cfr_shared="yes", cfr="OK", directory="/srv/lab/mnt",
               scope="volume", dest=None):
    return [lin_trial(start, vol, "ficlone", clone, directory=directory, scope=scope, dest=dest),
            lin_trial(start + 1, vol, "ficlonerange", clone, directory=directory, scope=scope,
                      dest=dest),
            lin_trial(start + 2, vol, "copy_file_range", cfr, cfr_shared, directory=directory,
                      scope=scope, dest=dest)]


def linux(volumes, trials, run_=None):
    return report({"platform": "linux", "backend": "linux", "host": host_linux(),
                   "run": run_ or run(), "filter_supported_features_mode": setting(state="not_read"),
                   "filters_listed": "unknown", "filters": [], "volumes": volumes,
                   "trials": trials, "errors": [],
                   "excluded": [{"mount_point": "/proc", "fs_type": "proc",
                                 "reason": "pseudo file system"}]})


@case
def linux_xfs_reflink():
    m = mount(0, "/srv/lab/mnt/xfs", "xfs", "/dev/loop0", loop_layers("xfs", "/srv/lab/mnt/xfs"), 62)
    return linux([m], lin_trials(0, 0, directory="/srv/lab/mnt/xfs"))


@case
def linux_ext4():
    m = mount(0, "/srv/lab/mnt/ext4", "ext4", "/dev/loop3",
              loop_layers("ext4", "/srv/lab/mnt/ext4", "/dev/loop3"), 66)
    return linux([m], lin_trials(0, 0, clone="EOPNOTSUPP", cfr_shared="no",
                                 directory="/srv/lab/mnt/ext4"))


@case
def linux_tmpfs():
    m = mount(0, "/srv/lab/mnt/my tmp", "tmpfs", "tmpfs",
              [layer("tmpfs", "tmpfs", "filesystem", "tmpfs", "/srv/lab/mnt/my tmp")], 70)
    return linux([m], lin_trials(0, 0, clone="EOPNOTSUPP", cfr_shared="unknown",
                                 directory="/srv/lab/mnt/my tmp"))


def overlay_mount(upper_fs):
    return mount(0, "/srv/lab/mnt/ovl", "overlay", "overlay",
                 [layer("overlay", "overlay", "overlay", "overlay", "/srv/lab/mnt/ovl"),
                  layer(upper_fs, "upper", "upper", upper_fs, f"/srv/lab/mnt/{upper_fs}/ovl/upper"),
                  layer(upper_fs, "lower", "lower", upper_fs, f"/srv/lab/mnt/{upper_fs}/ovl/lower")],
                 72, options=f"rw,relatime,lowerdir=/srv/lab/mnt/{upper_fs}/ovl/lower,"
                             f"upperdir=/srv/lab/mnt/{upper_fs}/ovl/upper,"
                             f"workdir=/srv/lab/mnt/{upper_fs}/ovl/work")


@case
def linux_overlay_xfs_upper():
    return linux([overlay_mount("xfs")], lin_trials(0, 0, directory="/srv/lab/mnt/ovl"))


@case
def linux_overlay_ext4_upper():
    return linux([overlay_mount("ext4")],
                 lin_trials(0, 0, clone="EOPNOTSUPP", cfr_shared="no", directory="/srv/lab/mnt/ovl"))


@case
def linux_fuse_bindfs():
    m = mount(0, "/srv/lab/mnt/bindfs", "fuse", "/srv/lab/mnt/xfs/bsrc",
              [layer("fuse", "/srv/lab/mnt/xfs/bsrc", "fuse", "fuse", "/srv/lab/mnt/bindfs"),
               layer("xfs", "/dev/loop0", "filesystem", "xfs", "/srv/lab/mnt/xfs")], 74,
              options="rw,nosuid,nodev,relatime,user_id=0,group_id=0,default_permissions")
    return linux([m], lin_trials(0, 0, clone="EOPNOTSUPP", cfr_shared="unknown",
                                 directory="/srv/lab/mnt/bindfs"))


@case
def linux_cross_exdev():
    x = mount(0, "/srv/lab/mnt/xfs", "xfs", "/dev/loop0", loop_layers("xfs", "/srv/lab/mnt/xfs"), 62)
    b = mount(1, "/srv/lab/mnt/btrfs", "btrfs", "/dev/loop2",
              loop_layers("btrfs", "/srv/lab/mnt/btrfs", "/dev/loop2"), 64)
    trials = (lin_trials(0, 0, directory="/srv/lab/mnt/xfs")
              + lin_trials(3, 1, directory="/srv/lab/mnt/btrfs")
              + lin_trials(6, 0, clone="EXDEV", cfr="EXDEV", scope="pair", dest=1,
                           directory="/srv/lab/mnt/btrfs"))
    return linux([x, b], trials, run_=run(cross=True))


def canonical(odxprobe, doc):
    """The report as the writer renders it, observations only."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as tmp:
        json.dump(doc, tmp, ensure_ascii=False)
    try:
        res = subprocess.run([odxprobe, "analyze", "--json", tmp.name], capture_output=True)
    finally:
        os.unlink(tmp.name)
    if res.returncode not in (0, 1, 2):
        raise SystemExit(res.stderr.decode(errors="replace"))
    out = json.loads(res.stdout)
    del out["analysis"]
    return out


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    odxprobe = sys.argv[1]
    top = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    for name, fn in sorted(CASES.items()):
        d = os.path.join(top, name)
        os.makedirs(d, exist_ok=True)
        doc = canonical(odxprobe, copy.deepcopy(fn()))
        with open(os.path.join(d, "report.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)
            f.write("\n")
    print(f"{len(CASES)} cases written under {top}")


if __name__ == "__main__":
    main()
