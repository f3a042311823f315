package org.sandgate.batch.drmaa;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the DRMAA library is and what to tell it.
 *
 * @param library              the DRMAA 1.0 C library; empty: {@code DRMAA_LIBRARY_PATH}, as python-drmaa
 * @param contact              the contact string for {@code drmaa_init}; empty: the library's default
 * @param nativeSpecification  {@code drmaa_native_specification} of every job; {@code {wall_seconds}}
 *                             and {@code {wall_minutes}} stand for the job's limit (e.g. Grid Engine:
 *                             {@code -l h_rt={wall_seconds}}, slurm-drmaa: {@code --time={wall_minutes}})
 */
public record DrmaaSettings(Optional<Path> library, Optional<String> contact, String nativeSpecification) {
    public DrmaaSettings {
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(nativeSpecification, "nativeSpecification");
    }

    /** The library to load: the configured one, else {@code DRMAA_LIBRARY_PATH}. */
    public Optional<Path> resolvedLibrary() {
        return library.or(() -> Optional.ofNullable(System.getenv("DRMAA_LIBRARY_PATH"))
                .filter(s -> !s.isBlank()).map(Path::of));
    }
}
