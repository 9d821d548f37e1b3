package dev.salvor.inspect;

import dev.salvor.salvage.SalvageReport;

/**
 * The inspection of a damaged file read past its damage: {@code intact} counts only the records
 * salvage trusts (keys recovered whole; a partial key is not counted), {@code salvage} holds the
 * damaged regions and every bound on what was lost.
 */
public record SalvagedInspection(Inspection intact, SalvageReport salvage) {
}
