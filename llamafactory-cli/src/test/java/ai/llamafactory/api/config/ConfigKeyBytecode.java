package ai.llamafactory.api.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Reads compiled classes to answer two questions for {@link ConfigKeyWalkTest}: which public methods of the argument
 * classes give access to the value of a configuration key, and which of those methods the classes of one module call.
 *
 * <p>The key-to-field binding is taken from each argument class's declarations: each key is a {@code public static
 * final Key<T> NAME = KEYS.add(Key.of("name", ...))} constant ({@link Key}); the field holding it is that constant
 * (found by reflection), its accessors are the public instance methods of the argument class whose body reads the
 * constant ({@code GETSTATIC}, as {@code values.get(LORA_RANK)} compiles), and its builder method is the public
 * builder method reading it (other than {@code equals}, {@code hashCode}, {@code toString}, {@code toBuilder}). A
 * key's accessors also include any public method of {@link FineTuneConfig} (other than its writers and checks) that
 * calls such an accessor, e.g. {@link FineTuneConfig#computePrecision()} for {@code bf16}.
 */
final class ConfigKeyBytecode {
    /** A method named by owner (internal name), name and descriptor. */
    record MethodRef(String owner, String name, String descriptor) {
        @Override
        public String toString() {
            return owner.substring(owner.lastIndexOf('/') + 1) + "." + name + "()";
        }
    }

    /** One schema key as compiled: its argument class, the field holding it, the builder method setting it. */
    record BoundKey(String name, Class<?> argumentClass, String field, String builderMethod) {}

    static final List<Class<?>> ARGUMENT_CLASSES = List.of(
            ModelArguments.class,
            FinetuningArguments.class,
            DataArguments.class,
            TrainingArguments.class,
            GeneratingArguments.class,
            ExportArguments.class);

    private static final Set<String> NOT_ACCESSORS = Set.of(
            "equals",
            "hashCode",
            "toString",
            "toBuilder",
            "<init>",
            // FineTuneConfig's own writers and checks read every key; they do not honour any.
            "toArguments",
            "toYaml",
            "writeYaml",
            "warnings",
            "ignoredKeys",
            "validate",
            "collectWarnings");

    private final Map<String, BoundKey> keys = new LinkedHashMap<>();
    private final Map<String, Set<MethodRef>> accessors = new LinkedHashMap<>();

    ConfigKeyBytecode() {
        for (Class<?> argumentClass : ARGUMENT_CLASSES) {
            readSchema(argumentClass);
        }
        addDerivedAccessors(FineTuneConfig.class);
    }

    /** @return every schema key with its binding, in schema order */
    Map<String, BoundKey> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** @return the public methods through which code outside the api module can read a key's value */
    Set<MethodRef> accessors(String key) {
        return accessors.getOrDefault(key, Set.of());
    }

    private static ClassNode classNode(Class<?> type) {
        String resource = "/" + Type.getInternalName(type) + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file not found: " + resource);
            }
            ClassNode node = new ClassNode();
            new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the key constants of a class declaring its settings as {@link Key}s: key name to field name */
    private static Map<String, String> keyConstants(Class<?> argumentClass) {
        Map<String, String> constants = new LinkedHashMap<>();
        for (java.lang.reflect.Field f : argumentClass.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Key.class) {
                try {
                    f.setAccessible(true);
                    constants.put(((Key<?>) f.get(null)).name(), f.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return constants;
    }

    /** @return the public (instance) methods of a class whose body reads one of its static fields */
    private static Map<String, Set<MethodRef>> readersOfStatics(ClassNode node, boolean instanceOnly) {
        Map<String, Set<MethodRef>> readers = new LinkedHashMap<>();
        for (MethodNode method : node.methods) {
            if ((method.access & Opcodes.ACC_PUBLIC) == 0
                    || NOT_ACCESSORS.contains(method.name)
                    || (instanceOnly && (method.access & Opcodes.ACC_STATIC) != 0)) {
                continue;
            }
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof FieldInsnNode f && f.getOpcode() == Opcodes.GETSTATIC) {
                    readers.computeIfAbsent(f.name, x -> new LinkedHashSet<>())
                            .add(new MethodRef(node.name, method.name, method.desc));
                }
            }
        }
        return readers;
    }

    private void readSchema(Class<?> argumentClass) {
        ClassNode node = classNode(argumentClass);
        Map<String, String> constants = keyConstants(argumentClass);
        if (constants.isEmpty()) {
            throw new IllegalStateException(argumentClass + " declares no Key constants");
        }
        Map<String, Set<MethodRef>> readers = readersOfStatics(node, true);
        Map<String, Set<MethodRef>> setters = readersOfStatics(classNode(builderClass(argumentClass)), false);
        constants.forEach((key, field) -> {
            String set = setters.getOrDefault(field, Set.of()).stream()
                    .map(MethodRef::name)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no builder method sets " + key));
            keys.put(key, new BoundKey(key, argumentClass, field, set));
            accessors.put(key, new LinkedHashSet<>(readers.getOrDefault(field, Set.of())));
        });
    }

    private static Class<?> builderClass(Class<?> argumentClass) {
        for (Class<?> nested : argumentClass.getDeclaredClasses()) {
            if (nested.getSimpleName().equals("Builder")) {
                return nested;
            }
        }
        throw new IllegalStateException("no Builder in " + argumentClass);
    }

    private void addDerivedAccessors(Class<?> type) {
        ClassNode node = classNode(type);
        for (MethodNode method : node.methods) {
            if ((method.access & Opcodes.ACC_PUBLIC) == 0 || NOT_ACCESSORS.contains(method.name)) {
                continue;
            }
            MethodRef self = new MethodRef(node.name, method.name, method.desc);
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof MethodInsnNode call) {
                    MethodRef callee = new MethodRef(call.owner, call.name, call.desc);
                    accessors.values().stream()
                            .filter(refs -> refs.contains(callee))
                            .toList()
                            .forEach(refs -> refs.add(self));
                }
            }
        }
    }

    /**
     * Lists the methods the classes of one module call or take a reference to ({@code Type::method}).
     *
     * @param classRoot a folder of class files or a jar
     * @return every method reference in those classes
     */
    static Set<MethodRef> methodsCalledIn(Path classRoot) {
        Set<MethodRef> called = new HashSet<>();
        ClassVisitor collector = new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(
                    int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        called.add(new MethodRef(owner, n, d));
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                        for (Object arg : args) {
                            if (arg instanceof Handle h) {
                                called.add(new MethodRef(h.getOwner(), h.getName(), h.getDesc()));
                            }
                        }
                    }
                };
            }
        };
        for (byte[] bytes : classFiles(classRoot)) {
            new ClassReader(bytes).accept(collector, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return called;
    }

    private static List<byte[]> classFiles(Path root) {
        List<byte[]> files = new ArrayList<>();
        try {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p :
                            walk.filter(p -> p.toString().endsWith(".class")).toList()) {
                        files.add(Files.readAllBytes(p));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(root.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        if (entry.getName().endsWith(".class")) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                files.add(in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /**
     * Finds every module's declaration of the keys it honours on the class path.
     *
     * @param resource the resource name, e.g. {@code META-INF/llamafactory/honoured-keys.txt}
     * @return class root (folder or jar) to the keys it declares, in file order
     */
    static Map<Path, List<String>> declarations(String resource) {
        Map<Path, List<String>> byRoot = new LinkedHashMap<>();
        try {
            Enumeration<URL> urls = ConfigKeyBytecode.class.getClassLoader().getResources(resource);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                Path root;
                if (url.getProtocol().equals("jar")) {
                    root = Path.of(((JarURLConnection) url.openConnection())
                            .getJarFileURL()
                            .toURI());
                } else {
                    Path file = Path.of(url.toURI());
                    root = file;
                    for (int i = 0; i < Path.of(resource).getNameCount(); i++) {
                        root = root.getParent();
                    }
                }
                List<String> declared = new ArrayList<>();
                try (InputStream in = url.openStream()) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        String key = line.replaceAll("#.*", "").trim();
                        if (!key.isEmpty()) {
                            declared.add(key);
                        }
                    }
                }
                byRoot.put(root, declared);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return byRoot;
    }

    /** @return the public methods of a builder class that set a value (every public method but build) */
    static Set<String> builderSetters(Class<?> argumentClass) {
        Set<String> names = new LinkedHashSet<>();
        for (Class<?> nested : argumentClass.getDeclaredClasses()) {
            if (nested.getSimpleName().equals("Builder")) {
                for (java.lang.reflect.Method m : nested.getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("build")) {
                        names.add(m.getName());
                    }
                }
            }
        }
        return names;
    }
}
