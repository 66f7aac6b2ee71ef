/*
 * The fake fltlib.dll against the documented fltlib contract [S1, S2 in the
 * fact sheet], call by call, on scenarios/contract.scenario: return codes,
 * sizes asked for, cursor behaviour, handle checks, volume-name forms and
 * the byte layout of each information class. Back-end tests rely on all of
 * it, so a change in the fake that breaks the contract fails here first.
 */
#include <windows.h>

#include <fltuser.h>
#include <fltwinerror.h>

#include "check.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HR_MORE_DATA     HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)
#define HR_NO_MORE_ITEMS HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS)
#define HR_BAD_HANDLE    HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE)

#define CHECK_HR(a, b)                                                                             \
    do {                                                                                           \
        unsigned long check_a_ = (unsigned long)(a), check_b_ = (unsigned long)(b);                \
        if (check_a_ != check_b_) {                                                                \
            fprintf(stderr, "%s:%d: %s == %s failed: 0x%08lx != 0x%08lx\n", __FILE__, __LINE__,    \
                    #a, #b, check_a_, check_b_);                                                   \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* 8-byte aligned so that records can be read through their structure types. */
static union {
    uint64_t align;
    BYTE bytes[4096];
} buf;

/* Does the UTF-16 string at (off, len) of buf equal s? */
static int name_is(size_t off, size_t len, const WCHAR *s)
{
    return len == wcslen(s) * sizeof(WCHAR) && off + len <= sizeof buf.bytes &&
           memcmp(buf.bytes + off, s, len) == 0;
}

static void filters(void)
{
    HANDLE h = NULL;
    DWORD ret = 1;
    const FILTER_AGGREGATE_STANDARD_INFORMATION *fs = (const void *)buf.bytes;

    CHECK_HR(FilterFindFirst((FILTER_INFORMATION_CLASS)99, buf.bytes, sizeof buf, &ret, &h),
             E_INVALIDARG);
    CHECK(h == INVALID_HANDLE_VALUE);
    CHECK_HR(FilterFindFirst(FilterAggregateStandardInformation, buf.bytes, sizeof buf, NULL, &h),
             E_INVALIDARG);

    /* Too small: the size needed, no handle. "Alpha" at 32, "385100" at 48 (8-aligned). */
    h = NULL;
    CHECK_HR(FilterFindFirst(FilterAggregateStandardInformation, NULL, 0, &ret, &h), HR_MORE_DATA);
    CHECK_INT(ret, 60);
    CHECK(h == INVALID_HANDLE_VALUE);
    CHECK_HR(FilterFindFirst(FilterAggregateStandardInformation, buf.bytes, 59, &ret, &h),
             HR_MORE_DATA);
    CHECK_HR(FilterFindFirst(FilterAggregateStandardInformation, buf.bytes, 60, &ret, &h), S_OK);
    CHECK_INT(ret, 60);
    CHECK_INT(fs->NextEntryOffset, 0);
    CHECK_INT(fs->Flags, FLTFL_ASI_IS_MINIFILTER);
    CHECK_INT(fs->Type.MiniFilter.FrameID, 0);
    CHECK_INT(fs->Type.MiniFilter.NumberOfInstances, 1);
    CHECK_INT(fs->Type.MiniFilter.FilterNameBufferOffset, 32);
    CHECK(name_is(32, fs->Type.MiniFilter.FilterNameLength, L"Alpha"));
    CHECK_INT(fs->Type.MiniFilter.FilterAltitudeBufferOffset, 48);
    CHECK(name_is(48, fs->Type.MiniFilter.FilterAltitudeLength, L"385100"));

    /* A too-small Next does not move the cursor. */
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, 8, &ret),
             HR_MORE_DATA);
    CHECK_INT(ret, 74);
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret),
             S_OK);
    CHECK_INT(fs->Flags, FLTFL_ASI_IS_LEGACYFILTER);
    CHECK(name_is(fs->Type.LegacyFilter.FilterNameBufferOffset,
                  fs->Type.LegacyFilter.FilterNameLength, L"Legacy AV"));
    CHECK(name_is(fs->Type.LegacyFilter.FilterAltitudeBufferOffset,
                  fs->Type.LegacyFilter.FilterAltitudeLength, L"389998.99"));
    CHECK_HR(FilterFindNext(h, (FILTER_INFORMATION_CLASS)7, buf.bytes, sizeof buf, &ret),
             E_INVALIDARG);
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret),
             S_OK);
    CHECK(name_is(fs->Type.MiniFilter.FilterNameBufferOffset, fs->Type.MiniFilter.FilterNameLength,
                  L"Beta"));
    CHECK_INT(fs->Type.MiniFilter.FrameID, 1);
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret),
             S_OK);
    CHECK(name_is(fs->Type.MiniFilter.FilterNameBufferOffset, fs->Type.MiniFilter.FilterNameLength,
                  L"Idle"));
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret),
             HR_NO_MORE_ITEMS);
    CHECK_INT(ret, 0);
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret),
             HR_NO_MORE_ITEMS);
    CHECK_HR(FilterFindClose(h), S_OK);
    CHECK_HR(FilterFindClose(h), HR_BAD_HANDLE);
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret),
             HR_BAD_HANDLE);

    /* FilterFullInformation leaves the legacy filter out; its name is inline at 14. */
    const FILTER_FULL_INFORMATION *ff = (const void *)buf.bytes;
    CHECK_HR(FilterFindFirst(FilterFullInformation, buf.bytes, sizeof buf, &ret, &h), S_OK);
    CHECK_INT(ret, 24);
    CHECK(name_is(offsetof(FILTER_FULL_INFORMATION, FilterNameBuffer), ff->FilterNameLength,
                  L"Alpha"));
    CHECK_HR(FilterFindNext(h, FilterFullInformation, buf.bytes, sizeof buf, &ret), S_OK);
    CHECK(name_is(offsetof(FILTER_FULL_INFORMATION, FilterNameBuffer), ff->FilterNameLength,
                  L"Beta"));
    CHECK_INT(ff->FrameID, 1);
    CHECK_INT(ff->NumberOfInstances, 2);
    CHECK_HR(FilterFindNext(h, FilterFullInformation, buf.bytes, sizeof buf, &ret), S_OK);
    CHECK(name_is(offsetof(FILTER_FULL_INFORMATION, FilterNameBuffer), ff->FilterNameLength,
                  L"Idle"));
    CHECK_HR(FilterFindNext(h, FilterFullInformation, buf.bytes, sizeof buf, &ret),
             HR_NO_MORE_ITEMS);
    CHECK_HR(FilterFindClose(h), S_OK);

    /* The basic class: a legacy filter has a name and no altitude. */
    const FILTER_AGGREGATE_BASIC_INFORMATION *fb = (const void *)buf.bytes;
    CHECK_HR(FilterFindFirst(FilterAggregateBasicInformation, buf.bytes, sizeof buf, &ret, &h),
             S_OK);
    CHECK_INT(fb->Flags, FLTFL_AGGREGATE_INFO_IS_MINIFILTER);
    CHECK(name_is(fb->Type.MiniFilter.FilterAltitudeBufferOffset,
                  fb->Type.MiniFilter.FilterAltitudeLength, L"385100"));
    CHECK_HR(FilterFindNext(h, FilterAggregateBasicInformation, buf.bytes, sizeof buf, &ret), S_OK);
    CHECK_INT(fb->Flags, FLTFL_AGGREGATE_INFO_IS_LEGACYFILTER);
    CHECK_INT(fb->Type.LegacyFilter.FilterNameBufferOffset, 24);
    CHECK(name_is(24, fb->Type.LegacyFilter.FilterNameLength, L"Legacy AV"));
    CHECK_HR(FilterFindClose(h), S_OK);
}

static void volumes(void)
{
    HANDLE h = NULL, hf = NULL;
    DWORD ret = 0;
    const FILTER_VOLUME_STANDARD_INFORMATION *vs = (const void *)buf.bytes;
    const size_t name_at = offsetof(FILTER_VOLUME_STANDARD_INFORMATION, FilterVolumeName);

    CHECK_HR(
        FilterVolumeFindFirst((FILTER_VOLUME_INFORMATION_CLASS)2, buf.bytes, sizeof buf, &ret, &h),
        E_INVALIDARG);
    CHECK_HR(FilterVolumeFindFirst(FilterVolumeStandardInformation, buf.bytes, 4, &ret, &h),
             HR_MORE_DATA);
    CHECK_INT(ret, name_at + wcslen(L"\\Device\\HarddiskVolume3") * 2);
    CHECK(h == INVALID_HANDLE_VALUE);
    CHECK_HR(
        FilterVolumeFindFirst(FilterVolumeStandardInformation, buf.bytes, sizeof buf, &ret, &h),
        S_OK);
    CHECK_INT(vs->Flags, 0);
    CHECK_INT(vs->FileSystemType, FLT_FSTYPE_NTFS);
    CHECK(name_is(name_at, vs->FilterVolumeNameLength, L"\\Device\\HarddiskVolume3"));

    /* A volume handle is no filter handle. */
    CHECK_HR(FilterFindNext(h, FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret),
             HR_BAD_HANDLE);
    CHECK_HR(FilterFindClose(h), HR_BAD_HANDLE);
    CHECK_HR(FilterFindFirst(FilterAggregateStandardInformation, buf.bytes, sizeof buf, &ret, &hf),
             S_OK);
    CHECK_HR(FilterVolumeFindClose(hf), HR_BAD_HANDLE);
    CHECK_HR(FilterFindClose(hf), S_OK);

    CHECK_HR(FilterVolumeFindNext(h, FilterVolumeBasicInformation, buf.bytes, sizeof buf, &ret),
             S_OK);
    CHECK(name_is(
        offsetof(FILTER_VOLUME_BASIC_INFORMATION, FilterVolumeName),
        ((const FILTER_VOLUME_BASIC_INFORMATION *)(const void *)buf.bytes)->FilterVolumeNameLength,
        L"\\Device\\NamedPipe"));
    CHECK_HR(FilterVolumeFindNext(h, FilterVolumeStandardInformation, buf.bytes, sizeof buf, &ret),
             S_OK);
    CHECK_INT(vs->Flags, FLTFL_VSI_DETACHED_VOLUME);
    CHECK_INT(vs->FileSystemType, FLT_FSTYPE_REFS);
    CHECK_HR(FilterVolumeFindNext(h, FilterVolumeStandardInformation, buf.bytes, sizeof buf, &ret),
             HR_NO_MORE_ITEMS);
    CHECK_HR(FilterVolumeFindClose(h), S_OK);
}

/* How many entries FilterVolumeInstanceFindFirst/Next give for a volume name; -1 on an error
 * other than the end, whose HRESULT goes to *first_hr when First fails. */
static int count_volume_instances(const WCHAR *volume, INSTANCE_INFORMATION_CLASS cls,
                                  HRESULT *first_hr)
{
    HANDLE h = NULL;
    DWORD ret = 0;
    HRESULT hr = FilterVolumeInstanceFindFirst(volume, cls, buf.bytes, sizeof buf, &ret, &h);
    *first_hr = hr;
    if (hr != S_OK)
        return hr == HR_NO_MORE_ITEMS ? 0 : -1;
    int n = 1;
    while ((hr = FilterVolumeInstanceFindNext(h, cls, buf.bytes, sizeof buf, &ret)) == S_OK)
        n++;
    if (FilterVolumeInstanceFindClose(h) != S_OK || hr != HR_NO_MORE_ITEMS)
        return -1;
    return n;
}

static void volume_instances(void)
{
    static const WCHAR *const names[] = {
        L"\\Device\\HarddiskVolume3",
        L"\\device\\harddiskvolume3\\",
        L"C:",
        L"c:\\",
        L"\\\\?\\C:\\",
        L"\\??\\c:",
    };
    HRESULT hr;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_INT(count_volume_instances(names[i], InstanceAggregateStandardInformation, &hr), 3);
        CHECK_INT(count_volume_instances(names[i], InstanceFullInformation, &hr), 2);
    }
    CHECK_INT(count_volume_instances(L"\\Device\\NamedPipe", InstanceBasicInformation, &hr), 1);
    CHECK_INT(count_volume_instances(L"E:\\", InstanceAggregateStandardInformation, &hr), 0);
    CHECK_HR(hr, HR_NO_MORE_ITEMS);
    CHECK_INT(count_volume_instances(L"Q:", InstanceAggregateStandardInformation, &hr), -1);
    CHECK_HR(hr, ERROR_FLT_VOLUME_NOT_FOUND);
    CHECK_INT(count_volume_instances(L"C:", (INSTANCE_INFORMATION_CLASS)4, &hr), -1);
    CHECK_HR(hr, E_INVALIDARG);

    /* The aggregate record of a minifilter instance, then of a legacy filter. */
    HANDLE h = NULL;
    DWORD ret = 0;
    const INSTANCE_AGGREGATE_STANDARD_INFORMATION *ia = (const void *)buf.bytes;
    CHECK_HR(FilterVolumeInstanceFindFirst(L"C:", InstanceAggregateStandardInformation, NULL, 0,
                                           &ret, &h),
             HR_MORE_DATA);
    CHECK(h == INVALID_HANDLE_VALUE);
    /* 40 + "Alpha Instance" (28) at 40, "385100" (12) at 72, volume (46) at 88, "Alpha" (10)
     * at 136. */
    CHECK_INT(ret, 146);
    CHECK_HR(FilterVolumeInstanceFindFirst(L"C:", InstanceAggregateStandardInformation, buf.bytes,
                                           ret, &ret, &h),
             S_OK);
    CHECK_INT(ia->Flags, FLTFL_IASI_IS_MINIFILTER);
    CHECK_INT(ia->Type.MiniFilter.Flags, 0);
    CHECK_INT(ia->Type.MiniFilter.VolumeFileSystemType, FLT_FSTYPE_NTFS);
    CHECK_INT(ia->Type.MiniFilter.InstanceNameBufferOffset, 40);
    CHECK(name_is(40, ia->Type.MiniFilter.InstanceNameLength, L"Alpha Instance"));
    CHECK(name_is(ia->Type.MiniFilter.AltitudeBufferOffset, ia->Type.MiniFilter.AltitudeLength,
                  L"385100"));
    CHECK(name_is(ia->Type.MiniFilter.VolumeNameBufferOffset, ia->Type.MiniFilter.VolumeNameLength,
                  L"\\Device\\HarddiskVolume3"));
    CHECK(name_is(ia->Type.MiniFilter.FilterNameBufferOffset, ia->Type.MiniFilter.FilterNameLength,
                  L"Alpha"));
    CHECK_INT(ia->Type.MiniFilter.FilterNameBufferOffset, 136);
    CHECK_INT(ia->Type.MiniFilter.SupportedFeatures, 3);
    CHECK_HR(FilterVolumeInstanceFindNext(h, InstanceAggregateStandardInformation, buf.bytes,
                                          sizeof buf, &ret),
             S_OK);
    CHECK_INT(ia->Flags, FLTFL_IASI_IS_LEGACYFILTER);
    CHECK_INT(ia->Type.LegacyFilter.Flags, 0);
    CHECK(name_is(ia->Type.LegacyFilter.FilterNameBufferOffset,
                  ia->Type.LegacyFilter.FilterNameLength, L"Legacy AV"));
    CHECK(name_is(ia->Type.LegacyFilter.AltitudeBufferOffset, ia->Type.LegacyFilter.AltitudeLength,
                  L"389998.99"));
    CHECK_INT(ia->Type.LegacyFilter.SupportedFeatures, 0);
    CHECK_HR(FilterVolumeInstanceFindClose(h), S_OK);

    /* The partial class: instance name and altitude only. */
    const INSTANCE_PARTIAL_INFORMATION *ip = (const void *)buf.bytes;
    CHECK_HR(FilterVolumeInstanceFindFirst(L"\\Device\\NamedPipe", InstancePartialInformation,
                                           buf.bytes, sizeof buf, &ret, &h),
             S_OK);
    CHECK_INT(ip->InstanceNameBufferOffset, 16);
    CHECK(name_is(16, ip->InstanceNameLength, L"Beta Pipe"));
    CHECK(name_is(ip->AltitudeBufferOffset, ip->AltitudeLength, L"40700"));
    CHECK_HR(FilterVolumeInstanceFindClose(h), S_OK);
}

static void filter_instances(void)
{
    HANDLE h = NULL;
    DWORD ret = 0;
    const INSTANCE_FULL_INFORMATION *fi = (const void *)buf.bytes;
    CHECK_HR(
        FilterInstanceFindFirst(L"beta", InstanceFullInformation, buf.bytes, sizeof buf, &ret, &h),
        S_OK);
    CHECK(name_is(fi->InstanceNameBufferOffset, fi->InstanceNameLength, L"Beta Instance"));
    CHECK(name_is(fi->VolumeNameBufferOffset, fi->VolumeNameLength, L"\\Device\\HarddiskVolume3"));
    CHECK(name_is(fi->FilterNameBufferOffset, fi->FilterNameLength, L"Beta"));
    CHECK_HR(FilterInstanceFindNext(h, InstanceFullInformation, buf.bytes, sizeof buf, &ret), S_OK);
    CHECK(name_is(fi->VolumeNameBufferOffset, fi->VolumeNameLength, L"\\Device\\NamedPipe"));
    CHECK_HR(FilterInstanceFindNext(h, InstanceFullInformation, buf.bytes, sizeof buf, &ret),
             HR_NO_MORE_ITEMS);
    CHECK_HR(FilterVolumeInstanceFindClose(h), HR_BAD_HANDLE);
    CHECK_HR(FilterInstanceFindClose(h), S_OK);

    CHECK_HR(
        FilterInstanceFindFirst(L"Nope", InstanceFullInformation, buf.bytes, sizeof buf, &ret, &h),
        ERROR_FLT_FILTER_NOT_FOUND);
    CHECK(h == INVALID_HANDLE_VALUE);
    CHECK_HR(
        FilterInstanceFindFirst(L"Idle", InstanceFullInformation, buf.bytes, sizeof buf, &ret, &h),
        HR_NO_MORE_ITEMS);
    CHECK_HR(
        FilterInstanceFindFirst(NULL, InstanceFullInformation, buf.bytes, sizeof buf, &ret, &h),
        E_INVALIDARG);
}

static void dos_names(void)
{
    WCHAR dos[8] = L"junk";
    CHECK_HR(FilterGetDosName(L"\\Device\\HarddiskVolume3", dos, 8), S_OK);
    CHECK(wcscmp(dos, L"C:") == 0);
    CHECK_HR(FilterGetDosName(L"\\device\\harddiskvolume3\\", dos, 3), S_OK);
    CHECK(wcscmp(dos, L"C:") == 0);
    CHECK_HR(FilterGetDosName(L"\\Device\\HarddiskVolume3", dos, 2), HR_MORE_DATA);
    CHECK_HR(FilterGetDosName(L"e:\\", dos, 8), S_OK);
    CHECK(wcscmp(dos, L"E:") == 0);
    CHECK_HR(FilterGetDosName(L"\\Device\\NamedPipe", dos, 8), S_OK);
    CHECK(dos[0] == 0);
    CHECK_HR(FilterGetDosName(L"\\Device\\Nope", dos, 8), ERROR_FLT_VOLUME_NOT_FOUND);
    CHECK_HR(FilterGetDosName(NULL, dos, 8), E_INVALIDARG);
}

int main(void)
{
    filters();
    volumes();
    volume_instances();
    filter_instances();
    dos_names();
    CHECK_DONE();
}
