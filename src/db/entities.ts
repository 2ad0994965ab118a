import { DomainEvent } from '../events/event.entity';
import { ApiToken } from '../modules/auth/api-token.entity';
import { Employee } from '../modules/employees/employee.entity';

/** Every table Backdesk maps. A new entity is added here (and a migration generated). */
export const ENTITIES = [DomainEvent, Employee, ApiToken];
