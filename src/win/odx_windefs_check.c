/*
 * Compile-time proof of the Windows layouts the back end decodes.
 *
 * Every structure that comes back from Filter Manager or DeviceIoControl is
 * pinned here, size and every field offset, to the documented values [S1,
 * S7, S8, S28 in the fact sheet], for the structures mingw-w64 declares and
 * for the project's own ones in odx_windefs.h. A header that disagrees (an
 * older NTDDI_VERSION that drops SupportedFeatures, a packing pragma, a
 * wrong local definition) breaks the build here, not a report on a user's
 * machine. This file defines no code.
 */
#include "odx_windefs.h"

#include <stddef.h>

#define SIZE_IS(type, n) _Static_assert(sizeof(type) == (n), "sizeof(" #type ") != " #n)
#define OFFSET_IS(type, field, n)                                                                  \
    _Static_assert(offsetof(type, field) == (n), "offsetof(" #type ", " #field ") != " #n)

/* ---- Filter Manager, mingw-w64 fltuserstructures.h [S1, S3] ------------ */

/* Information-class numbers are passed across the DLL boundary. */
_Static_assert(FilterFullInformation == 0, "FILTER_INFORMATION_CLASS");
_Static_assert(FilterAggregateBasicInformation == 1, "FILTER_INFORMATION_CLASS");
_Static_assert(FilterAggregateStandardInformation == 2, "FILTER_INFORMATION_CLASS");
_Static_assert(FilterVolumeBasicInformation == 0, "FILTER_VOLUME_INFORMATION_CLASS");
_Static_assert(FilterVolumeStandardInformation == 1, "FILTER_VOLUME_INFORMATION_CLASS");
_Static_assert(InstanceBasicInformation == 0, "INSTANCE_INFORMATION_CLASS");
_Static_assert(InstancePartialInformation == 1, "INSTANCE_INFORMATION_CLASS");
_Static_assert(InstanceFullInformation == 2, "INSTANCE_INFORMATION_CLASS");
_Static_assert(InstanceAggregateStandardInformation == 3, "INSTANCE_INFORMATION_CLASS");
_Static_assert(FLT_FSTYPE_NTFS == 2, "FLT_FILESYSTEM_TYPE");
_Static_assert(FLT_FSTYPE_REFS == 28, "FLT_FILESYSTEM_TYPE");
_Static_assert(FLT_FSTYPE_OPENAFS + 1 == ODX_FLT_FSTYPE_CIMFS, "CIMFS follows OPENAFS [S1]");
_Static_assert(FLTFL_ASI_IS_MINIFILTER == 1 && FLTFL_ASI_IS_LEGACYFILTER == 2, "FLTFL_ASI_*");
_Static_assert(FLTFL_IASI_IS_MINIFILTER == 1 && FLTFL_IASI_IS_LEGACYFILTER == 2, "FLTFL_IASI_*");

SIZE_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, 28);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Flags, 4);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.Flags, 8);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FrameID, 12);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.NumberOfInstances, 16);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FilterNameLength, 20);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FilterNameBufferOffset, 22);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FilterAltitudeLength, 24);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FilterAltitudeBufferOffset, 26);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.Flags, 8);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.FilterNameLength, 12);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.FilterNameBufferOffset, 14);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.FilterAltitudeLength, 16);
OFFSET_IS(FILTER_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.FilterAltitudeBufferOffset, 18);

SIZE_IS(FILTER_AGGREGATE_BASIC_INFORMATION, 24);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Flags, 4);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.MiniFilter.FrameID, 8);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.MiniFilter.NumberOfInstances, 12);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.MiniFilter.FilterNameLength, 16);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.MiniFilter.FilterNameBufferOffset, 18);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.MiniFilter.FilterAltitudeLength, 20);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.MiniFilter.FilterAltitudeBufferOffset, 22);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.LegacyFilter.FilterNameLength, 8);
OFFSET_IS(FILTER_AGGREGATE_BASIC_INFORMATION, Type.LegacyFilter.FilterNameBufferOffset, 10);

/* The name is inline, not at an offset. */
SIZE_IS(FILTER_FULL_INFORMATION, 16);
OFFSET_IS(FILTER_FULL_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(FILTER_FULL_INFORMATION, FrameID, 4);
OFFSET_IS(FILTER_FULL_INFORMATION, NumberOfInstances, 8);
OFFSET_IS(FILTER_FULL_INFORMATION, FilterNameLength, 12);
OFFSET_IS(FILTER_FULL_INFORMATION, FilterNameBuffer, 14);

/* The volume name is inline too. */
SIZE_IS(FILTER_VOLUME_STANDARD_INFORMATION, 20);
OFFSET_IS(FILTER_VOLUME_STANDARD_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(FILTER_VOLUME_STANDARD_INFORMATION, Flags, 4);
OFFSET_IS(FILTER_VOLUME_STANDARD_INFORMATION, FrameID, 8);
OFFSET_IS(FILTER_VOLUME_STANDARD_INFORMATION, FileSystemType, 12);
OFFSET_IS(FILTER_VOLUME_STANDARD_INFORMATION, FilterVolumeNameLength, 16);
OFFSET_IS(FILTER_VOLUME_STANDARD_INFORMATION, FilterVolumeName, 18);

SIZE_IS(FILTER_VOLUME_BASIC_INFORMATION, 4);
OFFSET_IS(FILTER_VOLUME_BASIC_INFORMATION, FilterVolumeNameLength, 0);
OFFSET_IS(FILTER_VOLUME_BASIC_INFORMATION, FilterVolumeName, 2);

/* 40 only when NTDDI_VERSION >= NTDDI_WIN8 adds SupportedFeatures; 36 without it. */
SIZE_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, 40);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Flags, 4);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.Flags, 8);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FrameID, 12);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.VolumeFileSystemType, 16);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.InstanceNameLength, 20);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.InstanceNameBufferOffset, 22);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.AltitudeLength, 24);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.AltitudeBufferOffset, 26);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.VolumeNameLength, 28);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.VolumeNameBufferOffset, 30);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FilterNameLength, 32);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.FilterNameBufferOffset, 34);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.MiniFilter.SupportedFeatures, 36);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.Flags, 8);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.AltitudeLength, 12);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.AltitudeBufferOffset, 14);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.VolumeNameLength, 16);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.VolumeNameBufferOffset, 18);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.FilterNameLength, 20);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.FilterNameBufferOffset, 22);
OFFSET_IS(INSTANCE_AGGREGATE_STANDARD_INFORMATION, Type.LegacyFilter.SupportedFeatures, 24);

SIZE_IS(INSTANCE_BASIC_INFORMATION, 8);
OFFSET_IS(INSTANCE_BASIC_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(INSTANCE_BASIC_INFORMATION, InstanceNameLength, 4);
OFFSET_IS(INSTANCE_BASIC_INFORMATION, InstanceNameBufferOffset, 6);

SIZE_IS(INSTANCE_PARTIAL_INFORMATION, 12);
OFFSET_IS(INSTANCE_PARTIAL_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(INSTANCE_PARTIAL_INFORMATION, InstanceNameLength, 4);
OFFSET_IS(INSTANCE_PARTIAL_INFORMATION, InstanceNameBufferOffset, 6);
OFFSET_IS(INSTANCE_PARTIAL_INFORMATION, AltitudeLength, 8);
OFFSET_IS(INSTANCE_PARTIAL_INFORMATION, AltitudeBufferOffset, 10);

SIZE_IS(INSTANCE_FULL_INFORMATION, 20);
OFFSET_IS(INSTANCE_FULL_INFORMATION, NextEntryOffset, 0);
OFFSET_IS(INSTANCE_FULL_INFORMATION, InstanceNameLength, 4);
OFFSET_IS(INSTANCE_FULL_INFORMATION, InstanceNameBufferOffset, 6);
OFFSET_IS(INSTANCE_FULL_INFORMATION, AltitudeLength, 8);
OFFSET_IS(INSTANCE_FULL_INFORMATION, AltitudeBufferOffset, 10);
OFFSET_IS(INSTANCE_FULL_INFORMATION, VolumeNameLength, 12);
OFFSET_IS(INSTANCE_FULL_INFORMATION, VolumeNameBufferOffset, 14);
OFFSET_IS(INSTANCE_FULL_INFORMATION, FilterNameLength, 16);
OFFSET_IS(INSTANCE_FULL_INFORMATION, FilterNameBufferOffset, 18);

/* ---- Storage property query, mingw-w64 winioctl.h [S3, S10, S11] ------- */

_Static_assert(StorageDeviceCopyOffloadProperty == 13, "STORAGE_PROPERTY_ID [S11]");
_Static_assert(PropertyStandardQuery == 0, "STORAGE_QUERY_TYPE [S11]");
_Static_assert(IOCTL_STORAGE_QUERY_PROPERTY == 0x002D1400, "IOCTL_STORAGE_QUERY_PROPERTY");

SIZE_IS(STORAGE_PROPERTY_QUERY, 12);
OFFSET_IS(STORAGE_PROPERTY_QUERY, PropertyId, 0);
OFFSET_IS(STORAGE_PROPERTY_QUERY, QueryType, 4);
OFFSET_IS(STORAGE_PROPERTY_QUERY, AdditionalParameters, 8);

SIZE_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, 48);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, Version, 0);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, Size, 4);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, MaximumTokenLifetime, 8);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, DefaultTokenLifetime, 12);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, MaximumTransferSize, 16);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, OptimalTransferCount, 24);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, MaximumDataDescriptors, 32);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, MaximumTransferLengthPerDescriptor, 36);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, OptimalTransferLengthPerDescriptor, 40);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, OptimalTransferLengthGranularity, 44);
OFFSET_IS(DEVICE_COPY_OFFLOAD_DESCRIPTOR, Reserved, 46);

/* ---- The project's own offload definitions, odx_windefs.h -------------- */

/* The control codes are what CTL_CODE builds from their documented parts [S3, S4]. */
_Static_assert(FSCTL_OFFLOAD_READ ==
                   CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 153, METHOD_BUFFERED, FILE_READ_ACCESS),
               "FSCTL_OFFLOAD_READ");
_Static_assert(FSCTL_OFFLOAD_WRITE ==
                   CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 154, METHOD_BUFFERED, FILE_WRITE_ACCESS),
               "FSCTL_OFFLOAD_WRITE");
_Static_assert(FSCTL_OFFLOAD_READ == 0x00094264 && FSCTL_OFFLOAD_WRITE == 0x00098268,
               "FSCTL_OFFLOAD_* [S4]");
_Static_assert(OFFLOAD_READ_FLAG_ALL_ZERO_BEYOND_CURRENT_RANGE == 1, "header value, not 2 [S8]");
_Static_assert(ERROR_OFFLOAD_READ_FLT_NOT_SUPPORTED == 4440 &&
                   ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED == 4441 &&
                   ERROR_OFFLOAD_READ_FILE_NOT_SUPPORTED == 4442 &&
                   ERROR_OFFLOAD_WRITE_FILE_NOT_SUPPORTED == 4443,
               "ERROR_OFFLOAD_* [S12]");
_Static_assert(ERROR_INVALID_TOKEN == 315 && ERROR_DEVICE_FEATURE_NOT_SUPPORTED == 316 &&
                   ERROR_DEVICE_UNREACHABLE == 321 && ERROR_DEVICE_NO_RESOURCES == 322,
               "storage-side ERROR_* [S12]");
_Static_assert(SUPPORTED_FS_FEATURES_OFFLOAD_READ == 1 &&
                   SUPPORTED_FS_FEATURES_OFFLOAD_WRITE == 2 &&
                   SUPPORTED_FS_FEATURES_QUERY_OPEN == 4 && SUPPORTED_FS_FEATURES_BYPASS_IO == 8,
               "SUPPORTED_FS_FEATURES_* [S14, S18]");
/* A newer SDK's mask may hold bits defined later; it must hold these four. */
_Static_assert((SUPPORTED_FS_FEATURES_VALID_MASK & 0xF) == 0xF, "SUPPORTED_FS_FEATURES_VALID_MASK");

SIZE_IS(struct odx_offload_token, 512);
_Static_assert(STORAGE_OFFLOAD_MAX_TOKEN_LENGTH == ODX_OFFLOAD_TOKEN_BYTES, "token size");
OFFSET_IS(struct odx_offload_token, token_type, 0);
OFFSET_IS(struct odx_offload_token, reserved, 4);
OFFSET_IS(struct odx_offload_token, token_id_length, 6);
OFFSET_IS(struct odx_offload_token, token_id, 8);

SIZE_IS(struct odx_offload_read_input, 32);
OFFSET_IS(struct odx_offload_read_input, size, 0);
OFFSET_IS(struct odx_offload_read_input, flags, 4);
OFFSET_IS(struct odx_offload_read_input, token_time_to_live_ms, 8);
OFFSET_IS(struct odx_offload_read_input, reserved, 12);
OFFSET_IS(struct odx_offload_read_input, file_offset, 16);
OFFSET_IS(struct odx_offload_read_input, copy_length, 24);

SIZE_IS(struct odx_offload_read_output, 528);
OFFSET_IS(struct odx_offload_read_output, size, 0);
OFFSET_IS(struct odx_offload_read_output, flags, 4);
OFFSET_IS(struct odx_offload_read_output, transfer_length, 8);
OFFSET_IS(struct odx_offload_read_output, token, 16);

SIZE_IS(struct odx_offload_write_input, 544);
OFFSET_IS(struct odx_offload_write_input, size, 0);
OFFSET_IS(struct odx_offload_write_input, flags, 4);
OFFSET_IS(struct odx_offload_write_input, file_offset, 8);
OFFSET_IS(struct odx_offload_write_input, copy_length, 16);
OFFSET_IS(struct odx_offload_write_input, transfer_offset, 24);
OFFSET_IS(struct odx_offload_write_input, token, 32);

SIZE_IS(struct odx_offload_write_output, 16);
OFFSET_IS(struct odx_offload_write_output, size, 0);
OFFSET_IS(struct odx_offload_write_output, flags, 4);
OFFSET_IS(struct odx_offload_write_output, length_written, 8);
