/*
 * regseed FILE: applies a scenario's registry file (the `reg add` / `reg
 * delete` lines wine-run.sh --reg takes) in one process. Under Wine every
 * reg.exe is a process of its own, about 0.1 s each; a scenario seeding
 * eight values spent most of its time there.
 *
 * Lines: `reg add KEY /v NAME /t REG_DWORD|REG_SZ|REG_EXPAND_SZ /d DATA /f`
 * and `reg delete KEY [/v NAME] /f`, arguments shell-quoted ('...' or
 * "..."), KEY under HKLM\ or HKEY_LOCAL_MACHINE\; blank lines and # comments
 * skipped. Exit 0, or 1 with "regseed: FILE:LINE: what" on stderr.
 */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096
#define MAX_ARGS 16

static const char *file_name;
static int line_no;

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "regseed: %s:%d: %s%s%s\n", file_name, line_no, what, detail ? ": " : "",
            detail ? detail : "");
    return 1;
}

/* Splits line into shell-quoted words, in place; -1 on an unclosed quote. */
static int split(char *line, char **argv)
{
    int argc = 0;
    char *p = line, *out;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        if (argc == MAX_ARGS)
            return -1;
        argv[argc++] = out = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            char q = *p;
            if (q == '\'' || q == '"') {
                p++;
                while (*p && *p != q)
                    *out++ = *p++;
                if (!*p)
                    return -1;
                p++;
            } else {
                *out++ = *p++;
            }
        }
        if (*p)
            p++;
        *out = '\0';
    }
    return argc;
}

static WCHAR *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    WCHAR *w;
    if (n <= 0 || !(w = malloc((size_t)n * sizeof(WCHAR))))
        return NULL;
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

/* The subkey of HKLM that key names, or NULL. */
static const char *under_hklm(const char *key)
{
    if (_strnicmp(key, "HKLM\\", 5) == 0)
        return key + 5;
    if (_strnicmp(key, "HKEY_LOCAL_MACHINE\\", 19) == 0)
        return key + 19;
    return NULL;
}

static const char *option(int argc, char **argv, const char *name)
{
    int i;
    for (i = 3; i + 1 < argc; i++)
        if (_stricmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int apply(int argc, char **argv)
{
    const char *sub, *name, *type, *data;
    WCHAR *wkey = NULL, *wname = NULL, *wdata = NULL;
    HKEY key = NULL;
    LONG rc;
    int result = 1;

    if (argc < 3 || _stricmp(argv[0], "reg") != 0)
        return fail("not a reg command", NULL);
    if (!(sub = under_hklm(argv[2])))
        return fail("key is not under HKLM", argv[2]);
    name = option(argc, argv, "/v");
    if (!(wkey = wide(sub)) || (name && !(wname = wide(name)))) {
        fail("not UTF-8", NULL);
        goto out;
    }
    if (_stricmp(argv[1], "delete") == 0) {
        rc = name ? RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, wkey, wname)
                  : RegDeleteTreeW(HKEY_LOCAL_MACHINE, wkey);
        if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND) {
            fail("cannot delete", argv[2]);
            goto out;
        }
        result = 0;
        goto out;
    }
    if (_stricmp(argv[1], "add") != 0) {
        fail("neither add nor delete", argv[1]);
        goto out;
    }
    type = option(argc, argv, "/t");
    data = option(argc, argv, "/d");
    if (!name || !type || !data) {
        fail("reg add needs /v, /t and /d", NULL);
        goto out;
    }
    if ((rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, wkey, 0, NULL, 0, KEY_SET_VALUE, NULL, &key,
                              NULL)) != ERROR_SUCCESS) {
        fail("cannot create the key", argv[2]);
        goto out;
    }
    if (_stricmp(type, "REG_DWORD") == 0) {
        char *end;
        DWORD v = (DWORD)strtoul(data, &end, 0);
        if (*end) {
            fail("not a number", data);
            goto out;
        }
        rc = RegSetValueExW(key, wname, 0, REG_DWORD, (const BYTE *)&v, sizeof(v));
    } else if (_stricmp(type, "REG_SZ") == 0 || _stricmp(type, "REG_EXPAND_SZ") == 0) {
        if (!(wdata = wide(data))) {
            fail("not UTF-8", data);
            goto out;
        }
        rc = RegSetValueExW(key, wname, 0, _stricmp(type, "REG_SZ") == 0 ? REG_SZ : REG_EXPAND_SZ,
                            (const BYTE *)wdata, (DWORD)((wcslen(wdata) + 1) * sizeof(WCHAR)));
    } else {
        fail("unknown type", type);
        goto out;
    }
    if (rc != ERROR_SUCCESS) {
        fail("cannot set the value", name);
        goto out;
    }
    result = 0;
out:
    if (key)
        RegCloseKey(key);
    free(wkey);
    free(wname);
    free(wdata);
    return result;
}

int main(int argc, char **argv)
{
    char line[MAX_LINE], *args[MAX_ARGS];
    FILE *f;
    int n;
    if (argc != 2) {
        fprintf(stderr, "usage: regseed FILE\n");
        return 2;
    }
    file_name = argv[1];
    if (!(f = fopen(file_name, "r"))) {
        fprintf(stderr, "regseed: cannot open %s\n", file_name);
        return 1;
    }
    while (fgets(line, sizeof(line), f)) {
        const char *p = line;
        line_no++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        n = split(line, args);
        if (n < 0) {
            fclose(f);
            return fail("unclosed quote or too many words", NULL);
        }
        if (n == 0)
            continue;
        if (apply(n, args) != 0) {
            fclose(f);
            return 1;
        }
    }
    fclose(f);
    return 0;
}
