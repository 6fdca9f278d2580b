/*
 * Linked into the Native AOT `agentexec` only (AgentExec.Cli.csproj, target CompileStartupMemoryAdvice).
 *
 * Why: a Native AOT binary keeps the runtime's type data compressed in the file and rebuilds ("rehydrates") it at every
 * start into the `.hydrated` section, about 6.3 MB of zero-filled memory after `.bss`. Touched a page at a time that is
 * some 1,600 page faults, each a trap into the kernel, and it is all done before `Main`: start-up is on the path of
 * every `serve`, every `run` and every sandboxed command the Landlock launcher re-executes this binary for (issue 12).
 * Asking the kernel for that memory up front, in huge pages where it has them and in one call, takes 2.5-3 ms off
 * every start on the 2-core development machine (`agentexec --version` 11.6 -> 9.1 ms median; README "Performance").
 *
 * How: an ELF constructor runs before `main`, and so before the runtime starts. It finds this program's writable
 * loadable segment and the part of it past the file's contents (`.bss` and `.hydrated`: anonymous memory), and gives
 * the kernel two pieces of advice about it: MADV_HUGEPAGE, then MADV_POPULATE_WRITE (Linux 5.14).
 *
 * Safety: advice only. It changes no byte the program reads (fresh anonymous memory is zero either way) and no
 * protection. When the kernel refuses (an older kernel, transparent huge pages compiled out), the memory stays as it
 * was and the runtime faults it in page by page, as it always did; errors are deliberately ignored.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static int advise_zero_filled_data(struct dl_phdr_info *info, size_t size, void *unused)
{
    (void)size;
    (void)unused;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || (segment->p_flags & PF_W) == 0 || segment->p_memsz <= segment->p_filesz) {
            continue;
        }
        /* The page holding the end of the file's contents is file-backed; the anonymous memory starts at the next. */
        const uintptr_t start = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz + page - 1) & ~(page - 1);
        const uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_memsz + page - 1) & ~(page - 1);
        if (end > start) {
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
            (void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
        }
    }
    /* The first object dl_iterate_phdr reports is the program itself; the shared libraries are not ours to advise. */
    return 1;
}

__attribute__((constructor)) static void agentexec_advise_startup_memory(void)
{
    (void)dl_iterate_phdr(advise_zero_filled_data, NULL);
}
