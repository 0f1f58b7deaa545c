package example;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import io.vakit.spi.AllocatorProvider;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The kit artifact brings its extension points and nothing of vakit's own tests: no broken allocator is visible. */
class KitArtifactTest {
    @Test
    void onlyRealImplementationsAreOnTheClassPath() {
        List<String> ids = new ArrayList<>();
        ServiceLoader.load(AllocatorProvider.class).forEach(p -> ids.add(p.id()));
        Assertions.assertTrue(ids.contains("sized"), () -> "vakit's designs are there: " + ids);
        Assertions.assertTrue(ids.stream().noneMatch(id -> id.startsWith("broken-") || id.startsWith("toy-")),
                () -> "no deliberately broken allocator may reach another project: " + ids);
        Assertions.assertThrows(ClassNotFoundException.class,
                () -> Class.forName("io.vakit.kit.broken.PlantedBugs"));
    }
}
