package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The storage rule of {@code ai.llamafactory.core.engine.EngineArrays}, checked on the compiled main classes of every
 * module: no call creates an array over Java memory. DJL's PyTorch engine builds such arrays with
 * {@code torch::from_blob} for {@code NDManager.create} with data, {@code NDArray.set} with data, every
 * {@code NDArray}/{@code NDArrays} method taking a {@link Number} (its scalar operand) and {@code NDList.decode}; the
 * garbage collector then frees the memory under tensors that views, aliases or autograd still use (the cause of the
 * NaN runs and resume crashes of issue 10). Only {@code EngineArrays} may touch those calls' memory, and it copies
 * into engine-owned storage.
 */
class NativeMemoryRulesTest {
    private static final String ALLOWED = "ai/llamafactory/core/engine/EngineArrays";
    private static final Set<String> ARRAY_OWNERS = Set.of(
            "ai/djl/ndarray/NDArray",
            "ai/djl/ndarray/NDArrays",
            "ai/djl/ndarray/BaseNDArray",
            "ai/djl/pytorch/engine/PtNDArray",
            "ai/djl/ndarray/NDArrayAdapter");
    private static final Set<String> MANAGER_OWNERS =
            Set.of("ai/djl/ndarray/NDManager", "ai/djl/ndarray/BaseNDManager", "ai/djl/pytorch/engine/PtNDManager");
    private static final String SHAPE = "Lai/djl/ndarray/types/Shape;";
    /** The creations that allocate engine memory ({@code torch::empty}). */
    private static final Set<String> ENGINE_CREATES = Set.of(
            "(" + SHAPE + ")",
            "(" + SHAPE + "Lai/djl/ndarray/types/DataType;)",
            "(" + SHAPE + "Lai/djl/ndarray/types/DataType;Lai/djl/Device;)");

    @Test
    void noMainClassCreatesArraysOverJavaMemory() {
        List<String> violations = new ArrayList<>();
        int classes = 0;
        for (ClassNode c : mainClasses()) {
            classes++;
            if (c.name.equals(ALLOWED)) {
                continue;
            }
            for (MethodNode m : c.methods) {
                for (AbstractInsnNode insn : m.instructions) {
                    if (insn instanceof MethodInsnNode call && forbidden(call)) {
                        violations.add(c.name.replace('/', '.') + "." + m.name + " calls "
                                + call.owner.substring(call.owner.lastIndexOf('/') + 1) + "." + call.name + call.desc);
                    }
                }
            }
        }
        assertThat(classes).as("main classes found on the class path").isGreaterThan(500);
        assertThat(violations)
                .as("use ai.llamafactory.core.engine.EngineArrays (of, scalar, withScalar, filled) " + "instead")
                .isEmpty();
    }

    @Test
    void theRuleRecognisesEveryKindOfForbiddenCall() {
        assertThat(forbidden(call("ai/djl/ndarray/NDManager", "create", "([F" + SHAPE + ")Lai/djl/ndarray/NDArray;")))
                .isTrue();
        assertThat(forbidden(call("ai/djl/ndarray/NDManager", "create", "(F)Lai/djl/ndarray/NDArray;")))
                .isTrue();
        assertThat(forbidden(call("ai/djl/ndarray/NDArray", "mul", "(Ljava/lang/Number;)Lai/djl/ndarray/NDArray;")))
                .isTrue();
        assertThat(forbidden(call(
                        "ai/djl/ndarray/NDArray",
                        "clip",
                        "(Ljava/lang/Number;Ljava/lang/Number;)Lai/djl/ndarray/NDArray;")))
                .isTrue();
        assertThat(forbidden(call("ai/djl/ndarray/NDArray", "set", "(Ljava/nio/Buffer;)V")))
                .isTrue();
        assertThat(forbidden(call(
                        "ai/djl/ndarray/NDList",
                        "decode",
                        "(Lai/djl/ndarray/NDManager;Ljava/io/InputStream;)Lai/djl/ndarray/NDList;")))
                .isTrue();
        assertThat(forbidden(call(
                        "ai/djl/ndarray/NDManager",
                        "create",
                        "(" + SHAPE + "Lai/djl/ndarray/types/DataType;)Lai/djl/ndarray/NDArray;")))
                .isFalse();
        assertThat(forbidden(call(
                        "ai/djl/ndarray/NDArray", "mul", "(Lai/djl/ndarray/NDArray;)" + "Lai/djl/ndarray/NDArray;")))
                .isFalse();
    }

    private static MethodInsnNode call(String owner, String name, String desc) {
        return new MethodInsnNode(org.objectweb.asm.Opcodes.INVOKEINTERFACE, owner, name, desc, true);
    }

    static boolean forbidden(MethodInsnNode call) {
        Type[] args = Type.getArgumentTypes(call.desc);
        if (ARRAY_OWNERS.contains(call.owner)) {
            boolean number = Stream.of(args).anyMatch(t -> t.getInternalName().equals("java/lang/Number"));
            boolean setData = call.name.equals("set")
                    && args.length == 1
                    && (args[0].getSort() == Type.ARRAY
                            || args[0].getInternalName().startsWith("java/nio/"));
            return number || setData || call.name.equals("decode");
        }
        if (MANAGER_OWNERS.contains(call.owner)) {
            return (call.name.equals("create")
                            && !ENGINE_CREATES.contains(call.desc.substring(0, call.desc.indexOf(')') + 1)))
                    || call.name.equals("decode");
        }
        return call.owner.equals("ai/djl/ndarray/NDList") && call.name.equals("decode");
    }

    /** The compiled main classes of the project's modules on the test class path (never test classes). */
    private static List<ClassNode> mainClasses() {
        List<ClassNode> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (Files.isDirectory(p) && name.equals("classes") && !entry.contains("llamafactory-testing")) {
                try (Stream<Path> walk = Files.walk(p.resolve("ai").resolve("llamafactory"))) {
                    for (Path f : (Iterable<Path>) walk.filter(x -> x.toString().endsWith(".class"))::iterator) {
                        try (InputStream in = Files.newInputStream(f)) {
                            out.add(read(in));
                        }
                    }
                } catch (IOException e) {
                    // No ai/llamafactory folder in this directory.
                }
            } else if (name.startsWith("llamafactory-")
                    && name.endsWith(".jar")
                    && !name.contains("tests")
                    && !name.startsWith("llamafactory-testing")) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        JarEntry je = e.nextElement();
                        if (je.getName().startsWith("ai/llamafactory/")
                                && je.getName().endsWith(".class")) {
                            try (InputStream in = jar.getInputStream(je)) {
                                out.add(read(in));
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    private static ClassNode read(InputStream in) throws IOException {
        ClassNode node = new ClassNode();
        new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES);
        return node;
    }
}
