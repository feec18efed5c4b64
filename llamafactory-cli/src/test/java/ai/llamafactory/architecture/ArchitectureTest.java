package ai.llamafactory.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.annotation.Internal;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the whole project, checked on the main classes of every module (this module's test class
 * path holds them all): no package cycle anywhere, an api free of DJL and of the other modules, and {@link Internal}
 * marks that match what the aggregated javadoc leaves out. A failure lists every offending dependency.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // from folders (-pl ... -am) or the modules' jars (verify): main classes only
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ai.llamafactory");
        assertThat(classes.stream().map(c -> c.getPackageName()).collect(Collectors.toSet()))
                .contains(
                        "ai.llamafactory.api",
                        "ai.llamafactory.data.worker",
                        "ai.llamafactory.core.train",
                        "ai.llamafactory.peft.lora",
                        "ai.llamafactory.server",
                        "ai.llamafactory.cli");
    }

    @Test
    void noPackageCycleInAnyModule() {
        // each package is a slice: a cycle between any two packages of any modules fails, naming the dependencies
        ArchRule rule = slices().matching("ai.llamafactory.(**)").should().beFreeOfCycles();
        rule.check(classes);
    }

    @Test
    void theApiHoldsNoDjlType() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("ai.llamafactory.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("ai.djl..")
                .because("the api module is engine-free: DJL types stay in the engine modules");
        rule.check(classes);
    }

    @Test
    void theApiDependsOnNoOtherModule() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("ai.llamafactory.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "ai.llamafactory.data..",
                        "ai.llamafactory.core..",
                        "ai.llamafactory.peft..",
                        "ai.llamafactory.rlhf..",
                        "ai.llamafactory.server..",
                        "ai.llamafactory.cli..")
                .because("every module builds on the api, never the other way");
        rule.check(classes);
    }

    @Test
    void internalPackagesAreExactlyThoseTheJavadocLeavesOut() throws Exception {
        Set<String> marked = new TreeSet<>();
        for (JavaPackage p : classes.getPackage("ai.llamafactory").getSubpackagesInTree()) {
            if (p.isAnnotatedWith(Internal.class)) {
                marked.add(p.getName());
            }
        }
        String pom = Files.readString(Path.of("..", "javadoc", "pom.xml"));
        Matcher m = Pattern.compile("<excludePackageNames>([^<]*)</excludePackageNames>")
                .matcher(pom);
        assertThat(m.find()).as("javadoc/pom.xml excludePackageNames").isTrue();
        Set<String> excluded = new TreeSet<>(Arrays.asList(m.group(1).trim().split("\\s*:\\s*")));
        assertThat(marked).as("packages marked @Internal").isNotEmpty().isEqualTo(excluded);
    }
}
