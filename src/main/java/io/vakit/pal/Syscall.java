package io.vakit.pal;

/** The operating-system calls this layer makes, as named in error messages and fault plans. */
public enum Syscall {
    /** {@code mmap}: reserve address space. */
    MMAP,
    /** {@code munmap}: release address space. */
    MUNMAP,
    /** {@code mprotect}: commit (read-write) or protect (none). */
    MPROTECT,
    /** {@code madvise(MADV_DONTNEED)}: drop the physical pages of a range. */
    MADVISE;

    /** The C name of the call. */
    public String cName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
