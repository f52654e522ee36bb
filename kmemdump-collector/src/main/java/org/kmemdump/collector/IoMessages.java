package org.kmemdump.collector;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Short texts for I/O errors: Java puts only the path in many of them, and the class name is not for users. */
final class IoMessages {
    private IoMessages() {
    }

    static String of(IOException e) {
        String reason = switch (e) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or directory";
            case NotDirectoryException notDirectory -> "not a directory";
            case FileAlreadyExistsException exists -> "already exists";
            case DirectoryNotEmptyException notEmpty -> "a directory that is not empty is in the way";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> e.getMessage();
        };
        return reason == null || reason.isBlank() ? "I/O error" : reason.replace('\n', ' ');
    }
}
