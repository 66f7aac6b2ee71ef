/*
 * Error codes that matter to copy offload: Win32 with their NTSTATUS twins,
 * HRESULTs of fltlib, and Linux errno values. Meanings are in our own words.
 *
 * Sources: winerror.h, ntstatus.h and fltwinerror.h of mingw-w64 and the
 * Windows SDK metadata (windows-rs) for numbers; "System Error Codes" pages
 * for Win32 messages; MS-FSCC 2.3.41-2.3.44 and the FSCTL_OFFLOAD_* pages for
 * what each code means to an offload; the NTSTATUS -> Win32 pairs from a
 * table generated with RtlNtStatusToDosError on Windows (ned14/status-code).
 * Linux errno numbers are the asm-generic ones (x86_64, arm64).
 *
 * Some widely copied summaries of error 4441 get its neighbours wrong:
 * ERROR_NOT_SUPPORTED is 50 (0x32) and ERROR_INVALID_FUNCTION is 1, not
 * 0x47 (71 is ERROR_REQ_NOT_ACCEP).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odx/knowledge.h"

#define W    ODX_CODE_WIN32
#define N    ODX_CODE_NTSTATUS
#define H    ODX_CODE_HRESULT
#define E    ODX_CODE_ERRNO
#define NONE ODX_CODE_NONE, 0, NULL

/* Shared wording, so the two directions of a code never drift apart. */
#define FLT_CAUSE(op, bit)                                                                         \
    "At least one filter attached to the volume has not opted in to offload " op                   \
    " (its SupportedFeatures lacks bit " bit "), so Filter Manager refused before any driver "     \
    "saw the request. The code does not say which filter: compare each instance's "                \
    "SupportedFeatures (fltmc instances, column SprtFtrs)."
#define FLT_REMEDY                                                                                 \
    "Get a version of the named filter that declares offload support from its vendor, or "         \
    "remove the filter from the volume. Do not set SupportedFeatures by hand for a driver "        \
    "that does not support offload."
#define FILE_CAUSE                                                                                 \
    "This file cannot be offloaded: compressed, sparse, EFS-encrypted, deduplicated, "             \
    "transacted, small enough to live in the MFT, or inside a volume snapshot; BitLocker "         \
    "volumes also refuse."
#define FILE_REMEDY                                                                                \
    "Not a filter problem. Check the folder's compression, Data Deduplication and BitLocker "      \
    "on the volume; the copy engine falls back to a normal copy for such files."

static const struct odx_code_info table[] = {
    /* Win32 codes, primary twin first. */
    {W, 0, "ERROR_SUCCESS", N, 0x00000000, "STATUS_SUCCESS", "The operation completed.", NULL, NULL,
     ODX_CC_SUCCESS},
    {W, 1, "ERROR_INVALID_FUNCTION", N, 0xC0000010, "STATUS_INVALID_DEVICE_REQUEST",
     "Incorrect function: the request is not valid for this device or file system.",
     "The file system does not implement copy offload (Windows offloads only on NTFS), or the "
     "handle is not a file on a local file system.",
     "Offload needs NTFS on both ends; FAT, exFAT and other file systems copy normally.",
     ODX_CC_FS_UNSUPPORTED},
    {W, 2, "ERROR_FILE_NOT_FOUND", N, 0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND",
     "The system cannot find the file specified.", NULL, NULL, ODX_CC_NOT_FOUND},
    {W, 3, "ERROR_PATH_NOT_FOUND", N, 0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND",
     "The system cannot find the path specified.", NULL, "Check the path or volume name.",
     ODX_CC_NOT_FOUND},
    {W, 5, "ERROR_ACCESS_DENIED", N, 0xC0000022, "STATUS_ACCESS_DENIED", "Access is denied.",
     "The account lacks a right the call needs: listing filters needs an elevated prompt, and "
     "the trial needs to create a folder on the volume.",
     "Run odxprobe from an elevated prompt (Run as administrator).", ODX_CC_ACCESS},
    {W, 6, "ERROR_INVALID_HANDLE", N, 0xC0000008, "STATUS_INVALID_HANDLE", "The handle is invalid.",
     NULL, NULL, ODX_CC_OTHER},
    {W, 8, "ERROR_NOT_ENOUGH_MEMORY", NONE, "Not enough memory to process the command.", NULL, NULL,
     ODX_CC_RESOURCES},
    {W, 14, "ERROR_OUTOFMEMORY", NONE, "Not enough memory to complete the operation.", NULL, NULL,
     ODX_CC_RESOURCES},
    {W, 17, "ERROR_NOT_SAME_DEVICE", NONE,
     "The system cannot move the file to a different disk drive.", NULL, NULL, ODX_CC_CROSS_DEVICE},
    {W, 19, "ERROR_WRITE_PROTECT", N, 0xC00000A2, "STATUS_MEDIA_WRITE_PROTECTED",
     "The media is write protected.", "The destination volume is read-only.", NULL,
     ODX_CC_READ_ONLY},
    {W, 21, "ERROR_NOT_READY", N, 0xC00000A3, "STATUS_DEVICE_NOT_READY", "The device is not ready.",
     "The volume was dismounted or is offline.", NULL, ODX_CC_OTHER},
    {W, 32, "ERROR_SHARING_VIOLATION", N, 0xC0000043, "STATUS_SHARING_VIOLATION",
     "The file is being used by another process.", NULL, NULL, ODX_CC_OTHER},
    {W, 33, "ERROR_LOCK_VIOLATION", N, 0xC0000054, "STATUS_FILE_LOCK_CONFLICT",
     "Another process has locked a portion of the file.",
     "A byte-range lock covers the range being offloaded.", NULL, ODX_CC_OTHER},
    {W, 38, "ERROR_HANDLE_EOF", N, 0xC0000011, "STATUS_END_OF_FILE", "Reached the end of the file.",
     "The offload read started at or past the end of the file.", NULL, ODX_CC_PARAMETER},
    {W, 39, "ERROR_HANDLE_DISK_FULL", NONE, "The disk is full.", NULL,
     "Free space on the volume, or use a smaller --size.", ODX_CC_DISK_FULL},
    {W, 50, "ERROR_NOT_SUPPORTED", N, 0xC00000BB, "STATUS_NOT_SUPPORTED",
     "The request is not supported.",
     "The volume or its storage does not support offload read/write; a filter that opted in can "
     "also refuse a request with this code from its own handler.",
     "Check that the storage supports ODX (copy-offload descriptor) and that the volume is "
     "NTFS; if both hold, suspect the filters listed in the report.",
     ODX_CC_NOT_SUPPORTED},
    {W, 53, "ERROR_BAD_NETPATH", N, 0xC00000BE, "STATUS_BAD_NETWORK_PATH",
     "The network path was not found.", NULL, "Check the share path.", ODX_CC_NETWORK},
    {W, 59, "ERROR_UNEXP_NET_ERR", N, 0xC00000C4, "STATUS_UNEXPECTED_NETWORK_ERROR",
     "An unexpected network error occurred.", NULL, NULL, ODX_CC_NETWORK},
    {W, 64, "ERROR_NETNAME_DELETED", N, 0xC00000C9, "STATUS_NETWORK_NAME_DELETED",
     "The specified network name is no longer available.", NULL, NULL, ODX_CC_NETWORK},
    {W, 67, "ERROR_BAD_NET_NAME", N, 0xC00000CC, "STATUS_BAD_NETWORK_NAME",
     "The network name cannot be found.", NULL, "Check the share name.", ODX_CC_NETWORK},
    {W, 80, "ERROR_FILE_EXISTS", NONE, "The file exists.",
     "A file with the name the trial chose already exists; odxprobe never overwrites a file.", NULL,
     ODX_CC_OTHER},
    {W, 87, "ERROR_INVALID_PARAMETER", N, 0xC000000D, "STATUS_INVALID_PARAMETER",
     "The parameter is incorrect.",
     "An offload rule was broken: offsets or lengths not multiples of the logical sector size, a "
     "file smaller than the minimum, a destination not sized with SetEndOfFile, or a write "
     "beyond the destination's valid data length.",
     "Use a sector-aligned --size of at least 256 KiB.", ODX_CC_PARAMETER},
    {W, 112, "ERROR_DISK_FULL", N, 0xC000007F, "STATUS_DISK_FULL",
     "There is not enough space on the disk.", NULL,
     "Free space on the volume, or use a smaller --size.", ODX_CC_DISK_FULL},
    {W, 122, "ERROR_INSUFFICIENT_BUFFER", N, 0xC0000023, "STATUS_BUFFER_TOO_SMALL",
     "The data area passed to a system call is too small.", NULL, NULL, ODX_CC_OTHER},
    {W, 183, "ERROR_ALREADY_EXISTS", N, 0xC0000035, "STATUS_OBJECT_NAME_COLLISION",
     "Cannot create a file when that file already exists.", NULL, NULL, ODX_CC_OTHER},
    {W, 234, "ERROR_MORE_DATA", N, 0x80000005, "STATUS_BUFFER_OVERFLOW", "More data is available.",
     NULL, NULL, ODX_CC_OTHER},
    {W, 259, "ERROR_NO_MORE_ITEMS", N, 0x8000001A, "STATUS_NO_MORE_ENTRIES",
     "No more data is available.",
     "End of a Filter Manager enumeration: no more filters, volumes or instances.", NULL,
     ODX_CC_OTHER},
    {W, 315, "ERROR_INVALID_TOKEN", N, 0xC0000465, "STATUS_INVALID_TOKEN",
     "The token representing the data is invalid.",
     "The offload token expired before the write used it, the source range changed after the "
     "read, or the destination's copy manager does not accept the token.",
     "Retry; if it persists, check the array's token lifetime (copy-offload descriptor) and "
     "anything that modifies files during copies.",
     ODX_CC_TOKEN},
    {W, 316, "ERROR_DEVICE_FEATURE_NOT_SUPPORTED", N, 0xC0000463,
     "STATUS_DEVICE_FEATURE_NOT_SUPPORTED", "The device does not support the command feature.",
     "The storage device (LUN or virtual disk) does not implement offloaded data transfer.",
     "Use storage whose firmware supports ODX (SCSI XCOPY LID4 / token copy), or accept "
     "normal copies.",
     ODX_CC_STORAGE},
    {W, 321, "ERROR_DEVICE_UNREACHABLE", N, 0xC0000464, "STATUS_DEVICE_UNREACHABLE",
     "The device is unreachable.",
     "The source's copy manager cannot reach the destination: the files are on different arrays "
     "or arrays of different vendors.",
     "Offload only works where one copy manager serves both ends; copy within one array.",
     ODX_CC_UNREACHABLE},
    {W, 322, "ERROR_DEVICE_NO_RESOURCES", N, 0xC0000468, "STATUS_DEVICE_INSUFFICIENT_RESOURCES",
     "The target device has insufficient resources to complete the operation.",
     "The storage ran out of tokens or copy resources.", "Retry later.", ODX_CC_RESOURCES},
    {W, 740, "ERROR_ELEVATION_REQUIRED", NONE, "The requested operation requires elevation.", NULL,
     "Run odxprobe from an elevated prompt.", ODX_CC_ACCESS},
    {W, 995, "ERROR_OPERATION_ABORTED", N, 0xC0000120, "STATUS_CANCELLED",
     "The I/O operation has been aborted.", NULL, NULL, ODX_CC_OTHER},
    {W, 1117, "ERROR_IO_DEVICE", N, 0xC0000185, "STATUS_IO_DEVICE_ERROR",
     "The request could not be performed because of an I/O device error.", NULL,
     "Check the storage's health and event log.", ODX_CC_OTHER},
    {W, 1314, "ERROR_PRIVILEGE_NOT_HELD", N, 0xC0000061, "STATUS_PRIVILEGE_NOT_HELD",
     "A required privilege is not held by the client.", NULL,
     "Run odxprobe from an elevated prompt.", ODX_CC_ACCESS},
    {W, 1450, "ERROR_NO_SYSTEM_RESOURCES", N, 0xC000009A, "STATUS_INSUFFICIENT_RESOURCES",
     "Insufficient system resources exist to complete the requested service.", NULL, "Retry later.",
     ODX_CC_RESOURCES},
    {W, 4440, "ERROR_OFFLOAD_READ_FLT_NOT_SUPPORTED", N, 0xC000A2A1,
     "STATUS_OFFLOAD_READ_FLT_NOT_SUPPORTED",
     "A file system filter on the volume does not support offload read.", FLT_CAUSE("read", "0x1"),
     FLT_REMEDY, ODX_CC_FILTER_READ},
    {W, 4441, "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED", N, 0xC000A2A2,
     "STATUS_OFFLOAD_WRITE_FLT_NOT_SUPPORTED",
     "A file system filter on the volume does not support offload write.",
     FLT_CAUSE("write", "0x2"), FLT_REMEDY, ODX_CC_FILTER_WRITE},
    {W, 4442, "ERROR_OFFLOAD_READ_FILE_NOT_SUPPORTED", N, 0xC000A2A3,
     "STATUS_OFFLOAD_READ_FILE_NOT_SUPPORTED", "Offload read is not supported for this file.",
     FILE_CAUSE, FILE_REMEDY, ODX_CC_FILE},
    {W, 4443, "ERROR_OFFLOAD_WRITE_FILE_NOT_SUPPORTED", N, 0xC000A2A4,
     "STATUS_OFFLOAD_WRITE_FILE_NOT_SUPPORTED", "Offload write is not supported for this file.",
     FILE_CAUSE, FILE_REMEDY, ODX_CC_FILE},

    /* NTSTATUS codes whose Win32 twin already has a primary entry above. */
    {N, 0xC0000123, "STATUS_FILE_DELETED", W, 5, "ERROR_ACCESS_DENIED",
     "The file was deleted while the request was in progress.", NULL, NULL, ODX_CC_OTHER},
    {N, 0xC0000128, "STATUS_FILE_CLOSED", W, 6, "ERROR_INVALID_HANDLE",
     "The file was closed while the request was in progress.", NULL, NULL, ODX_CC_OTHER},
    {N, 0xC0000189, "STATUS_TOO_LATE", W, 19, "ERROR_WRITE_PROTECT",
     "A write came after the volume was dismounted.", NULL, NULL, ODX_CC_OTHER},
    {N, 0xC000026E, "STATUS_VOLUME_DISMOUNTED", W, 21, "ERROR_NOT_READY",
     "The volume was dismounted.", NULL, NULL, ODX_CC_OTHER},

    /* HRESULTs: generic ones, then Filter Manager's (facility 0x1F) [S3 fltwinerror.h]. */
    {H, 0x00000000, "S_OK", NONE, "Success.", NULL, NULL, ODX_CC_SUCCESS},
    {H, 0x80070005, "E_ACCESSDENIED", W, 5, "ERROR_ACCESS_DENIED", "Access is denied.",
     "Listing filters, volumes or instances through Filter Manager needs an elevated prompt.",
     "Run odxprobe from an elevated prompt (Run as administrator).", ODX_CC_ACCESS},
    {H, 0x80070057, "E_INVALIDARG", W, 87, "ERROR_INVALID_PARAMETER",
     "One or more arguments are invalid.", "Filter Manager did not know the information class.",
     NULL, ODX_CC_PARAMETER},
    {H, 0x8007000E, "E_OUTOFMEMORY", W, 14, "ERROR_OUTOFMEMORY", "Out of memory.", NULL, NULL,
     ODX_CC_RESOURCES},
    {H, 0x80070006, "E_HANDLE", W, 6, "ERROR_INVALID_HANDLE", "The handle is invalid.", NULL, NULL,
     ODX_CC_OTHER},
    {H, 0x80004001, "E_NOTIMPL", NONE, "Not implemented.",
     "The Filter Manager library on this system lacks the function.", NULL, ODX_CC_OTHER},
    {H, 0x80004005, "E_FAIL", NONE, "Unspecified failure.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x8000FFFF, "E_UNEXPECTED", NONE, "Catastrophic failure.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x001F0001, "ERROR_FLT_IO_COMPLETE", NONE, "The I/O was completed by a filter.", NULL, NULL,
     ODX_CC_SUCCESS},
    {H, 0x801F0001, "ERROR_FLT_NO_HANDLER_DEFINED", NONE,
     "A handler was not defined by the filter for this operation.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0002, "ERROR_FLT_CONTEXT_ALREADY_DEFINED", NONE,
     "A context is already defined for this object.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0003, "ERROR_FLT_INVALID_ASYNCHRONOUS_REQUEST", NONE,
     "Asynchronous requests are not valid for this operation.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0004, "ERROR_FLT_DISALLOW_FAST_IO", NONE,
     "Internal: the fast I/O path is disallowed for this operation.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0005, "ERROR_FLT_INVALID_NAME_REQUEST", NONE,
     "An invalid name request was made; the name cannot be retrieved now.", NULL, NULL,
     ODX_CC_OTHER},
    {H, 0x801F0006, "ERROR_FLT_NOT_SAFE_TO_POST_OPERATION", NONE,
     "Posting this operation to a worker thread is not safe now.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0007, "ERROR_FLT_NOT_INITIALIZED", NONE, "Filter Manager was not initialized.",
     "Filter Manager (fltmgr.sys) is not running.", NULL, ODX_CC_OTHER},
    {H, 0x801F0008, "ERROR_FLT_FILTER_NOT_READY", NONE,
     "The filter is not ready for attachment to volumes.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0009, "ERROR_FLT_POST_OPERATION_CLEANUP", NONE,
     "The filter must clean up any operation-specific context now.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F000A, "ERROR_FLT_INTERNAL_ERROR", NONE, "Filter Manager met an internal error.", NULL,
     NULL, ODX_CC_OTHER},
    {H, 0x801F000B, "ERROR_FLT_DELETING_OBJECT", NONE,
     "The object is being torn down (a filter or instance is unloading).",
     "A filter or instance went away during the enumeration.", "Run the probe again.",
     ODX_CC_OTHER},
    {H, 0x801F000C, "ERROR_FLT_MUST_BE_NONPAGED_POOL", NONE,
     "Nonpaged pool must be used for this type of context.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F000D, "ERROR_FLT_DUPLICATE_ENTRY", NONE, "A duplicate handler definition exists.",
     NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F000E, "ERROR_FLT_CBDQ_DISABLED", NONE, "The callback data queue is disabled.", NULL,
     NULL, ODX_CC_OTHER},
    {H, 0x801F000F, "ERROR_FLT_DO_NOT_ATTACH", NONE,
     "The filter does not want to attach to this volume.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0010, "ERROR_FLT_DO_NOT_DETACH", NONE,
     "The filter does not want to detach from this volume.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0011, "ERROR_FLT_INSTANCE_ALTITUDE_COLLISION", NONE,
     "An instance already exists at this altitude on this volume.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0012, "ERROR_FLT_INSTANCE_NAME_COLLISION", NONE,
     "An instance of this name already exists on this volume.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0013, "ERROR_FLT_FILTER_NOT_FOUND", NONE, "No loaded filter has this name.",
     "The filter unloaded during the probe, or the name is wrong.", NULL, ODX_CC_NOT_FOUND},
    {H, 0x801F0014, "ERROR_FLT_VOLUME_NOT_FOUND", NONE, "Filter Manager knows no such volume.",
     "The volume was dismounted during the probe, or the name is wrong.", NULL, ODX_CC_NOT_FOUND},
    {H, 0x801F0015, "ERROR_FLT_INSTANCE_NOT_FOUND", NONE, "No such filter instance exists.", NULL,
     NULL, ODX_CC_NOT_FOUND},
    {H, 0x801F0016, "ERROR_FLT_CONTEXT_ALLOCATION_NOT_FOUND", NONE,
     "No registered context allocation definition was found.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0017, "ERROR_FLT_INVALID_CONTEXT_REGISTRATION", NONE,
     "An invalid context registration was given.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0018, "ERROR_FLT_NAME_CACHE_MISS", NONE,
     "The name was not found in Filter Manager's cache.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0019, "ERROR_FLT_NO_DEVICE_OBJECT", NONE, "The volume has no device object.", NULL,
     NULL, ODX_CC_OTHER},
    {H, 0x801F001A, "ERROR_FLT_VOLUME_ALREADY_MOUNTED", NONE, "The volume is already mounted.",
     NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F001B, "ERROR_FLT_ALREADY_ENLISTED", NONE,
     "The filter is already enlisted in the transaction.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F001C, "ERROR_FLT_CONTEXT_ALREADY_LINKED", NONE,
     "The context is already linked to another object.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0020, "ERROR_FLT_NO_WAITER_FOR_REPLY", NONE,
     "No waiter is present for the filter's reply to this message.", NULL, NULL, ODX_CC_OTHER},
    {H, 0x801F0023, "ERROR_FLT_REGISTRATION_BUSY", NONE,
     "The filesystem database resource is in use.", NULL, NULL, ODX_CC_OTHER},

    /* Linux errno values, as copy_file_range(2), ioctl_ficlone(2) and open(2) document them. */
    {E, 0, "OK", NONE, "Success.", NULL, NULL, ODX_CC_SUCCESS},
    {E, 1, "EPERM", NONE, "Operation not permitted.",
     "The file is immutable or append-only, or a security module refused.", NULL, ODX_CC_ACCESS},
    {E, 2, "ENOENT", NONE, "No such file or directory.", NULL, NULL, ODX_CC_NOT_FOUND},
    {E, 4, "EINTR", NONE, "Interrupted system call.", NULL, NULL, ODX_CC_OTHER},
    {E, 5, "EIO", NONE, "Input/output error.", NULL, "Check the device and kernel log.",
     ODX_CC_OTHER},
    {E, 9, "EBADF", NONE, "Bad file descriptor.",
     "A file was not open for reading or writing as the call needs (or is O_APPEND).", NULL,
     ODX_CC_OTHER},
    {E, 12, "ENOMEM", NONE, "Cannot allocate memory.", NULL, NULL, ODX_CC_RESOURCES},
    {E, 13, "EACCES", NONE, "Permission denied.", NULL,
     "Run odxprobe as a user who may create files there.", ODX_CC_ACCESS},
    {E, 16, "EBUSY", NONE, "Device or resource busy.",
     "Clone refused while the file is busy (e.g. an active swap file).", NULL, ODX_CC_OTHER},
    {E, 17, "EEXIST", NONE, "File exists.",
     "A file with the name the trial chose already exists; odxprobe never overwrites a file.", NULL,
     ODX_CC_OTHER},
    {E, 18, "EXDEV", NONE, "Invalid cross-device link.",
     "Source and destination are on different file systems (different superblocks), where "
     "extents cannot be shared; copy_file_range across file systems is refused on kernels "
     "5.3 to 5.18 and where the file system cannot copy between them.",
     "Keep source and destination on one file system (bind mounts and btrfs subvolumes of one "
     "file system are fine).",
     ODX_CC_CROSS_DEVICE},
    {E, 21, "EISDIR", NONE, "Is a directory.", NULL, NULL, ODX_CC_OTHER},
    {E, 22, "EINVAL", NONE, "Invalid argument.",
     "Unaligned clone range, overlapping ranges within one file, or the file system refuses "
     "the flags; some file systems say EINVAL where they mean 'not supported'.",
     NULL, ODX_CC_PARAMETER},
    {E, 26, "ETXTBSY", NONE, "Text file busy.", "One of the files is an active swap file.", NULL,
     ODX_CC_OTHER},
    {E, 27, "EFBIG", NONE, "File too large.", NULL, NULL, ODX_CC_PARAMETER},
    {E, 28, "ENOSPC", NONE, "No space left on device.", NULL,
     "Free space on the file system, or use a smaller --size.", ODX_CC_DISK_FULL},
    {E, 30, "EROFS", NONE, "Read-only file system.", NULL, NULL, ODX_CC_READ_ONLY},
    {E, 38, "ENOSYS", NONE, "Function not implemented.",
     "The kernel lacks the system call (copy_file_range needs Linux 4.5).", NULL,
     ODX_CC_FS_UNSUPPORTED},
    {E, 75, "EOVERFLOW", NONE, "Value too large for defined data type.", NULL, NULL,
     ODX_CC_PARAMETER},
    {E, 95, "EOPNOTSUPP", NONE, "Operation not supported.",
     "The file system, or a layer stacked on it (overlay upper, FUSE), cannot share extents.",
     "Use a file system that supports reflink (XFS with reflink=1, btrfs) on every layer.",
     ODX_CC_FS_UNSUPPORTED},
    {E, 122, "EDQUOT", NONE, "Disk quota exceeded.", NULL, NULL, ODX_CC_DISK_FULL},
};

#undef W
#undef N
#undef H
#undef E
#undef NONE

#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

const struct odx_code_info *odx_code_table_at(size_t i)
{
    return i < TABLE_SIZE ? &table[i] : NULL;
}

static const struct odx_code_info *find(enum odx_code_kind kind, uint32_t value)
{
    size_t i;
    for (i = 0; i < TABLE_SIZE; i++)
        if (table[i].kind == kind && table[i].value == value)
            return &table[i];
    /* An NTSTATUS listed only as the twin of a Win32 code. */
    if (kind == ODX_CODE_NTSTATUS)
        for (i = 0; i < TABLE_SIZE; i++)
            if (table[i].twin_kind == kind && table[i].twin_value == value)
                return &table[i];
    return NULL;
}

/* HRESULT_FROM_WIN32(x) = 0x80070000 | x for x in 1..0xFFFF [S3 winerror.h]. */
static bool hresult_win32(uint32_t hr, uint32_t *win32)
{
    if ((hr & 0xFFFF0000u) != 0x80070000u)
        return false;
    *win32 = hr & 0xFFFFu;
    return true;
}

const struct odx_code_info *odx_code_lookup(struct odx_code code)
{
    const struct odx_code_info *info;
    uint32_t w;
    if (code.kind == ODX_CODE_NONE || code.kind == ODX_CODE_ODX)
        return NULL;
    info = find(code.kind, code.value);
    if (!info && code.kind == ODX_CODE_HRESULT && hresult_win32(code.value, &w))
        info = find(ODX_CODE_WIN32, w);
    return info;
}

enum odx_code_class odx_code_class_of(struct odx_code code)
{
    const struct odx_code_info *info;
    if (odx_code_ok(code))
        return ODX_CC_SUCCESS;
    info = odx_code_lookup(code);
    return info ? info->cls : ODX_CC_OTHER;
}

const char *odx_code_name(struct odx_code code)
{
    const struct odx_code_info *info;
    if (code.kind == ODX_CODE_ODX)
        return odx_status_name((enum odx_status)code.value);
    info = odx_code_lookup(code);
    if (!info)
        return NULL;
    /* An NTSTATUS found through its Win32 twin is named by its own name. */
    if (code.kind == ODX_CODE_NTSTATUS && info->kind != ODX_CODE_NTSTATUS)
        return info->twin_name;
    return info->name;
}

const char *odx_code_describe(struct odx_code code, char *buf, size_t size)
{
    const char *name = odx_code_name(code);
    switch (code.kind) {
    case ODX_CODE_WIN32:
        if (name)
            snprintf(buf, size, "%s (%" PRIu32 ", 0x%" PRIX32 ")", name, code.value, code.value);
        else
            snprintf(buf, size, "Win32 error %" PRIu32 " (0x%" PRIX32 ")", code.value, code.value);
        break;
    case ODX_CODE_NTSTATUS:
        snprintf(buf, size, "%s (0x%08" PRIX32 ")", name ? name : "NTSTATUS", code.value);
        break;
    case ODX_CODE_HRESULT: {
        uint32_t w;
        if (name && hresult_win32(code.value, &w) && find(ODX_CODE_HRESULT, code.value) == NULL)
            snprintf(buf, size, "HRESULT_FROM_WIN32(%s) (0x%08" PRIX32 ")", name, code.value);
        else
            snprintf(buf, size, "%s (0x%08" PRIX32 ")", name ? name : "HRESULT", code.value);
        break;
    }
    case ODX_CODE_ERRNO:
        if (name)
            snprintf(buf, size, "%s (errno %" PRIu32 ")", name, code.value);
        else
            snprintf(buf, size, "errno %" PRIu32, code.value);
        break;
    case ODX_CODE_ODX:
        snprintf(buf, size, "%s (%s)", name, odx_status_message((enum odx_status)code.value));
        break;
    case ODX_CODE_NONE:
    default:
        snprintf(buf, size, "no code");
        break;
    }
    return buf;
}

void odx_code_forms_of(struct odx_code code, struct odx_code_forms *out)
{
    const struct odx_code_info *info = odx_code_lookup(code);
    uint32_t w;
    memset(out, 0, sizeof(*out));
    switch (code.kind) {
    case ODX_CODE_WIN32:
        out->has_win32 = true;
        out->win32 = code.value;
        break;
    case ODX_CODE_NTSTATUS:
        out->has_ntstatus = true;
        out->ntstatus = code.value;
        break;
    case ODX_CODE_HRESULT:
        out->has_hresult = true;
        out->hresult = code.value;
        if (hresult_win32(code.value, &w)) {
            out->has_win32 = true;
            out->win32 = w;
        }
        break;
    default:
        return;
    }
    if (info && info->twin_kind == ODX_CODE_WIN32 && !out->has_win32) {
        out->has_win32 = true;
        out->win32 = info->twin_value;
    }
    if (info && info->kind == ODX_CODE_WIN32 && !out->has_win32) {
        out->has_win32 = true;
        out->win32 = info->value;
    }
    if (!out->has_ntstatus && info) {
        if (info->kind == ODX_CODE_NTSTATUS) {
            out->has_ntstatus = true;
            out->ntstatus = info->value;
        } else if (info->twin_kind == ODX_CODE_NTSTATUS && info->kind == ODX_CODE_WIN32) {
            out->has_ntstatus = true;
            out->ntstatus = info->twin_value;
        }
    }
    if (out->has_win32 && !out->has_hresult) {
        out->has_hresult = true;
        out->hresult = out->win32 == 0 ? 0 : (0x80070000u | (out->win32 & 0xFFFFu));
    }
}

static bool parse_number(const char *text, uint32_t *out)
{
    char *end;
    const char *p = text;
    bool neg = false;
    unsigned long long v;
    if (*p == '-') {
        neg = true;
        p++;
    }
    if (!(*p >= '0' && *p <= '9'))
        return false;
    errno = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        v = strtoull(p + 2, &end, 16);
    else
        v = strtoull(p, &end, 10);
    if (errno || *end != '\0' || end == p)
        return false;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && end == p + 2)
        return false;
    if (neg) {
        /* Signed 32-bit spelling of an NTSTATUS or HRESULT, as some bindings print them. */
        if (v == 0 || v > 0x80000000ull)
            return false;
        *out = (uint32_t)(0x100000000ull - v);
        return true;
    }
    if (v > 0xFFFFFFFFull)
        return false;
    *out = (uint32_t)v;
    return true;
}

enum odx_status odx_code_parse(const char *text, struct odx_code *out)
{
    uint32_t v;
    size_t i;
    out->kind = ODX_CODE_NONE;
    out->value = 0;
    if (!text || !*text)
        return ODX_E_INVAL;
    if (strncmp(text, "errno:", 6) == 0) {
        if (!parse_number(text + 6, &v) || text[6] == '-')
            return ODX_E_INVAL;
        out->kind = ODX_CODE_ERRNO;
        out->value = v;
        return ODX_OK;
    }
    if (parse_number(text, &v)) {
        if (v < 0x10000u)
            out->kind = ODX_CODE_WIN32;
        else if ((v & 0xC0000000u) == 0xC0000000u)
            out->kind = ODX_CODE_NTSTATUS;
        else
            out->kind = ODX_CODE_HRESULT;
        out->value = v;
        return ODX_OK;
    }
    if ((text[0] >= '0' && text[0] <= '9') || text[0] == '-')
        return ODX_E_INVAL; /* looks like a number but is not one */
    /* A symbolic name: the table's own names, then twin names (NTSTATUS). */
    for (i = 0; i < TABLE_SIZE; i++) {
        if (strcmp(table[i].name, text) == 0) {
            out->kind = table[i].kind;
            out->value = table[i].value;
            return ODX_OK;
        }
    }
    for (i = 0; i < TABLE_SIZE; i++) {
        if (table[i].twin_name && strcmp(table[i].twin_name, text) == 0) {
            out->kind = table[i].twin_kind;
            out->value = table[i].twin_value;
            return ODX_OK;
        }
    }
    if (strcmp(text, "ENOTSUP") == 0) { /* the same number as EOPNOTSUPP on Linux */
        out->kind = ODX_CODE_ERRNO;
        out->value = 95;
        return ODX_OK;
    }
    for (i = 0; text[i]; i++)
        if (!((text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= '0' && text[i] <= '9') ||
              text[i] == '_' || (text[i] >= 'a' && text[i] <= 'z')))
            return ODX_E_INVAL;
    return ODX_E_NOT_FOUND;
}

const char *odx_features_describe(uint32_t features, char *buf, size_t size)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } bits[] = {
        {ODX_FEATURE_OFFLOAD_READ, "offload_read"},
        {ODX_FEATURE_OFFLOAD_WRITE, "offload_write"},
        {ODX_FEATURE_QUERY_OPEN, "query_open"},
        {ODX_FEATURE_BYPASS_IO, "bypass_io"},
    };
    size_t used = 0, i;
    uint32_t rest = features;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (features == 0) {
        snprintf(buf, size, "none");
        return buf;
    }
    for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (features & bits[i].bit) {
            int n = snprintf(buf + used, size - used, "%s%s", used ? "|" : "", bits[i].name);
            if (n < 0 || (size_t)n >= size - used)
                return buf;
            used += (size_t)n;
            rest &= ~bits[i].bit;
        }
    }
    if (rest)
        snprintf(buf + used, size - used, "%s0x%" PRIX32, used ? "|" : "", rest);
    return buf;
}
