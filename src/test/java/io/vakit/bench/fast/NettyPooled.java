package io.vakit.bench.fast;

/**
 * Netty's pooled direct allocator, reached by reflection so that Netty is needed only on the {@code bench} profile's
 * class path: {@code PooledByteBufAllocator.DEFAULT.directBuffer(size)}, freed by {@code release()}.
 */
final class NettyPooled extends Subject {
    private static final java.lang.invoke.MethodHandle DIRECT_BUFFER;
    private static final java.lang.invoke.MethodHandle RELEASE;
    private static final Object ALLOCATOR;

    static {
        try {
            java.lang.invoke.MethodHandle[] h = new java.lang.invoke.MethodHandle[2];
            Object[] a = new Object[1];
            bind(h, a);
            DIRECT_BUFFER = h[0];
            RELEASE = h[1];
            ALLOCATOR = a[0];
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void bind(java.lang.invoke.MethodHandle[] h, Object[] a) throws ReflectiveOperationException {
        Class<?> pooled = Class.forName("io.netty.buffer.PooledByteBufAllocator");
        Class<?> buf = Class.forName("io.netty.buffer.ByteBuf");
        java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.publicLookup();
        a[0] = pooled.getField("DEFAULT").get(null);
        h[0] = l.findVirtual(pooled, "directBuffer", java.lang.invoke.MethodType.methodType(buf, int.class))
                .asType(java.lang.invoke.MethodType.methodType(Object.class, Object.class, int.class));
        h[1] = l.findVirtual(buf, "release", java.lang.invoke.MethodType.methodType(boolean.class))
                .asType(java.lang.invoke.MethodType.methodType(boolean.class, Object.class));
    }

    static Subject open() {
        try {
            Class.forName("io.netty.buffer.PooledByteBufAllocator");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Netty is not on the class path: run with -Pbench", e);
        }
        return new NettyPooled();
    }

    @Override
    public Object alloc(long size) {
        try {
            return (Object) DIRECT_BUFFER.invokeExact(ALLOCATOR, (int) size);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void free(Object block) {
        try {
            boolean released = (boolean) RELEASE.invokeExact(block);
            assert released;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
