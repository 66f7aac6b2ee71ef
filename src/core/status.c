/* Names and messages of enum odx_status, generated from ODX_STATUS_MAP. */
#include "odx/status.h"

const char *odx_status_name(enum odx_status st)
{
    switch (st) {
#define ODX_STATUS_NAME(name, num, msg)                                                            \
    case ODX_##name:                                                                               \
        return "ODX_" #name;
        ODX_STATUS_MAP(ODX_STATUS_NAME)
#undef ODX_STATUS_NAME
    }
    return "ODX_E_UNKNOWN";
}

const char *odx_status_message(enum odx_status st)
{
    switch (st) {
#define ODX_STATUS_MSG(name, num, msg)                                                             \
    case ODX_##name:                                                                               \
        return msg;
        ODX_STATUS_MAP(ODX_STATUS_MSG)
#undef ODX_STATUS_MSG
    }
    return "unknown status";
}
