package example;

import io.vakit.design.sized.SizedProvider;
import io.vakit.kit.AllocatorContractTest;
import io.vakit.spi.AllocatorProvider;

/** Another project's check of its allocator: here vakit's own sized design stands in for it. */
class ExampleAllocatorContractTest extends AllocatorContractTest {
    @Override
    protected AllocatorProvider provider() {
        return new SizedProvider();
    }
}
